/**
 * vitest setup of the unit project: whole-app and component tests wait up to 5 s for what the
 * page draws (`findBy…`, `waitFor`). Testing-library's default, 1 s, gave up twice while a page
 * was still loading when the suite ran beside other work on this 2-core machine; a wait that
 * succeeds returns as soon as it does, so passing tests take no longer.
 */
import { configure } from '@testing-library/dom';

configure({ asyncUtilTimeout: 5000 });
