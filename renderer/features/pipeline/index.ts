/**
 * The pipeline feature's public door: the Pipeline page (visual pipeline editor, issue 17).
 * xyflow and elkjs are most of its weight, so the page loads as its own chunk when first shown.
 */
import { createElement, lazy, Suspense } from 'react';

const LazyPipelinePage = lazy(() =>
  import('./PipelinePage').then((m) => ({ default: m.PipelinePage })),
);

export function PipelinePage() {
  return createElement(
    Suspense,
    {
      fallback: createElement('div', {
        className: 'skeleton',
        'aria-busy': 'true',
        'aria-label': 'Loading the pipeline editor',
      }),
    },
    createElement(LazyPipelinePage),
  );
}
