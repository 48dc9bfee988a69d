/**
 * Binds the core to Electron IPC: `call` is an invoke/handle pair answered with the contract's
 * result envelope; subscriptions are per WebContents and end when it is destroyed. Every
 * message is checked against the sender frame before the core sees it.
 */
import type { IpcMain, IpcMainEvent, IpcMainInvokeEvent, WebContents } from 'electron';
import { IPC_CHANNELS, isEventName, type CallResult } from '../shared';
import type { CoreService } from '../core/api/core-service';

export type SenderCheck = (event: IpcMainEvent | IpcMainInvokeEvent) => boolean;

const refused: CallResult<never> = {
  ok: false,
  error: { code: 'internal', message: 'Refused: this frame may not call the Raydeck core.' },
};

export function bindCoreToIpc(
  ipcMain: Pick<IpcMain, 'handle' | 'on'>,
  service: CoreService,
  isAllowed: SenderCheck,
): void {
  const subscriptions = new Map<WebContents, Map<string, () => void>>();

  ipcMain.handle(IPC_CHANNELS.call, async (event, method: unknown, input: unknown) => {
    if (!isAllowed(event)) return refused;
    return service.call(method, input);
  });

  ipcMain.on(IPC_CHANNELS.subscribe, (event, name: unknown) => {
    if (!isAllowed(event) || !isEventName(name)) return;
    const contents = event.sender;
    let subs = subscriptions.get(contents);
    if (!subs) {
      subs = new Map();
      subscriptions.set(contents, subs);
      contents.once('destroyed', () => {
        for (const off of subscriptions.get(contents)?.values() ?? []) off();
        subscriptions.delete(contents);
      });
    }
    if (subs.has(name)) return;
    subs.set(
      name,
      service.subscribe(name, (payload) => {
        if (!contents.isDestroyed()) contents.send(IPC_CHANNELS.event, name, payload);
      }),
    );
  });

  ipcMain.on(IPC_CHANNELS.unsubscribe, (event, name: unknown) => {
    if (!isAllowed(event) || typeof name !== 'string') return;
    const subs = subscriptions.get(event.sender);
    subs?.get(name)?.();
    subs?.delete(name);
  });
}
