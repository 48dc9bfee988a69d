/** Handlers for nodes.importPreview / nodes.import (ssh config and testbed JSON). */
import type { nodeImportMethods } from '../../../shared/contract/node-methods';
import { applyImport, previewImport } from '../../nodes/node-import';
import type { CoreContext, HandlersFor } from '../core-context';

export function nodeImportHandlers(ctx: CoreContext): HandlersFor<keyof typeof nodeImportMethods> {
  return {
    'nodes.importPreview': async ({ clusterId, source }) => {
      const { candidates, warnings } = await previewImport(ctx.nodes, clusterId, source);
      return { candidates: candidates.map(({ role: _role, ...c }) => c), warnings };
    },
    'nodes.import': ({ clusterId, source, aliases }) =>
      applyImport(ctx.nodes, clusterId, source, aliases),
  };
}
