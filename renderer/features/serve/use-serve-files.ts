/**
 * The Serve page's file calls (on the core's machine): open a Serve config or a RayService
 * manifest's config, save the editor's text, export it as a RayService manifest. Each is a
 * mutation, so a button shows it in flight and cannot start it twice.
 */
import { useMutation } from '@tanstack/react-query';
import type { MethodInput } from '../../../shared';
import { useRaydeck } from '../../app/client-context';

export function useServeFileOpen() {
  const client = useRaydeck();
  return useMutation({
    mutationFn: (input: MethodInput<'serve.openFile'>) => client.call('serve.openFile', input),
  });
}

export function useServeFileSave() {
  const client = useRaydeck();
  return useMutation({
    mutationFn: (input: MethodInput<'serve.saveFile'>) => client.call('serve.saveFile', input),
  });
}

export function useServeExport() {
  const client = useRaydeck();
  return useMutation({
    mutationFn: (input: MethodInput<'serve.exportRayService'>) =>
      client.call('serve.exportRayService', input),
  });
}
