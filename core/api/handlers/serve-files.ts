/** Handlers of the Serve page's files: open, save (into a RayService manifest too), export as a RayService (core/serve/serve-files). */
import type { serveFileMethods } from '../../../shared/contract/serve-file-methods';
import type { ServeFiles } from '../../serve/serve-files';
import type { HandlersFor } from '../core-context';

export function serveFileHandlers(files: ServeFiles): HandlersFor<keyof typeof serveFileMethods> {
  return {
    'serve.openFile': async ({ path, document }) => files.open(path, document),
    'serve.saveFile': async ({ path, text, expect, overwrite, document }) =>
      document === undefined
        ? files.save(path, text, { expect, overwrite })
        : files.saveIntoRayService(path, document, text, { expect, overwrite }),
    'serve.exportRayService': async ({ text, name, namespace, path, overwrite }) =>
      files.exportRayService(text, {
        name,
        overwrite,
        ...(namespace ? { namespace } : {}),
        ...(path ? { path } : {}),
      }),
  };
}
