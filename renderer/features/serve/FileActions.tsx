/**
 * The Serve editor's file toolbar: Open…, Save (Ctrl/Cmd+S), Save as…, Import RayService…,
 * Export RayService…. Open reads a Serve config (or a RayService manifest's serveConfigV2, the
 * RayService picked when the file holds several) into the editor, asking first when that would
 * replace unsaved edits. Save writes the editor's text byte for byte to the file it came from;
 * when the file changed on disk since, or Save as names an existing file, it asks before
 * overwriting. A RayService's config saves back into its manifest: only that RayService's
 * serveConfigV2 changes, every other byte of the file stays (Save as writes a Serve config).
 * Every button is disabled while its call is in flight.
 */
import { useEffect, useRef, useState } from 'react';
import type { MethodOutput } from '../../../shared';
import { ConfirmDialog, useSingleFlight } from '../../ui';
import { ExportDialog, PathDialog, RayServicePicker } from './FileDialogs';
import { useServeUi, type DraftFile, type DraftSource, type ServeDraft } from './serve-draft-store';
import { useServeExport, useServeFileOpen, useServeFileSave } from './use-serve-files';

type Opened = MethodOutput<'serve.openFile'>;
type Mode = 'open' | 'import' | 'saveAs' | 'export';

const isConflict = (e: unknown) =>
  typeof e === 'object' && e !== null && (e as { code?: unknown }).code === 'conflict';
const baseName = (p: string) => p.split(/[\\/]/).pop() ?? p;
/** A save or export that waits for the user's yes; `into`: the RayService a save goes back into. */
type Overwrite =
  | { kind: 'save'; path: string; why: string; into: DraftFile['rayService'] }
  | { kind: 'export'; name: string; path: string; why: string };
const intoOf = (o: Overwrite) => (o.kind === 'save' ? o.into : null);

export interface FileActionsProps {
  clusterId: string;
  draft: ServeDraft;
  /** Loads a text into the editor, asking first when it replaces unsaved edits. */
  replaceDraft(text: string, source: DraftSource, what: string, file: DraftFile): void;
}

export function FileActions({ clusterId, draft, replaceDraft }: FileActionsProps) {
  const open = useServeFileOpen();
  const save = useServeFileSave();
  const exp = useServeExport();
  const once = useSingleFlight();
  const [mode, setMode] = useState<Mode | null>(null);
  const [picking, setPicking] = useState<Opened | null>(null);
  const [overwrite, setOverwrite] = useState<Overwrite | null>(null);
  const [manifest, setManifest] = useState<string | null>(null);
  /** Import was given a plain Serve config (its path). */
  const [notRayService, setNotRayService] = useState<string | null>(null);
  const busy = open.isPending || save.isPending || exp.isPending;

  const show = (m: Mode | null) => {
    open.reset();
    save.reset();
    exp.reset();
    setPicking(null);
    setManifest(null);
    setNotRayService(null);
    setMode(m);
  };

  const loadOpened = (o: Opened) => {
    const file: DraftFile = { path: o.path, stamp: o.stamp, rayService: o.rayService };
    const what = o.rayService
      ? `RayService "${o.rayService.name}" of ${baseName(o.path)}`
      : baseName(o.path);
    replaceDraft(o.text!, { kind: 'file' }, what, file);
    show(null);
  };
  const doOpen = (path: string, document: number | undefined, done: () => void) =>
    open.mutate(
      { path, ...(document !== undefined ? { document } : {}) },
      {
        onSuccess: (o) => {
          setNotRayService(null);
          if (mode === 'import' && o.format !== 'rayservice') setNotRayService(o.path);
          else if (o.text === null) setPicking(o);
          else loadOpened(o);
        },
        onSettled: done,
      },
    );

  /**
   * Writes the editor's text: expect null is "the file must not exist" (Save as). `into`: the
   * RayService the text came from, whose serveConfigV2 in the manifest it replaces.
   */
  const write = (
    path: string,
    expect: DraftFile['stamp'] | null,
    force: boolean,
    done?: () => void,
    into: DraftFile['rayService'] = null,
  ) => {
    const text = draft.text;
    save.mutate(
      { path, text, expect, overwrite: force, ...(into ? { document: into.documentIndex } : {}) },
      {
        onSuccess: (r) => {
          useServeUi.getState().saved(clusterId, text, {
            path: r.path,
            stamp: r.stamp,
            rayService: into,
          });
          setOverwrite(null);
          setMode(null);
        },
        onError: (e) => {
          if (!isConflict(e) || force) return;
          setOverwrite({
            kind: 'save',
            path,
            why: e instanceof Error ? e.message : `${path} exists`,
            into,
          });
        },
        onSettled: done,
      },
    );
  };
  const saveNow = () => {
    if (busy) return;
    const f = draft.file;
    // A second Ctrl+S before the first answered does not write again.
    if (f) once((done) => write(f.path, f.stamp, false, done, f.rayService));
    else show('saveAs');
  };
  const latestSave = useRef(saveNow);
  latestSave.current = saveNow;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey && e.key.toLowerCase() === 's') {
        e.preventDefault();
        if (!document.querySelector('[role="dialog"]')) latestSave.current();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const file = draft.file;
  const dirty = draft.text !== draft.base;
  return (
    <div className="serve-file-bar" role="toolbar" aria-label="Config file">
      <button type="button" className="btn small" disabled={busy} onClick={() => show('open')}>
        Open…
      </button>
      <button
        type="button"
        className="btn small"
        disabled={busy || (!dirty && Boolean(file))}
        onClick={saveNow}
        title={
          file?.rayService
            ? `Save into RayService "${file.rayService.name}" of ${baseName(file.path)} (Ctrl+S)`
            : 'Save (Ctrl+S)'
        }
        data-testid="serve-save"
      >
        {save.isPending && !mode ? 'Saving…' : 'Save'}
      </button>
      <button type="button" className="btn small" disabled={busy} onClick={() => show('saveAs')}>
        Save as…
      </button>
      <button type="button" className="btn small" disabled={busy} onClick={() => show('import')}>
        Import RayService…
      </button>
      <button type="button" className="btn small" disabled={busy} onClick={() => show('export')}>
        Export RayService…
      </button>
      {save.error && !mode && !overwrite ? (
        <span className="small bad-text" role="alert" data-testid="serve-save-error">
          Not saved: {save.error instanceof Error ? save.error.message : 'the core refused'}
        </span>
      ) : null}
      {mode === 'open' || mode === 'import' ? (
        <PathDialog
          title={mode === 'open' ? 'Open a Serve config' : 'Import a KubeRay RayService'}
          submitLabel={mode === 'open' ? 'Open' : 'Import'}
          busyLabel="Opening…"
          initial={file ? file.path : ''}
          busy={open.isPending}
          error={open.error}
          testId="serve-open-dialog"
          onClose={() => show(null)}
          onSubmit={(path, done) => doOpen(path, undefined, done)}
        >
          <p className="muted small">
            {mode === 'open'
              ? 'A Serve config (YAML), or a RayService manifest: its serveConfigV2 goes into the editor.'
              : 'A RayService manifest (several YAML documents are fine): the serveConfigV2 of the RayService you pick goes into the editor.'}
          </p>
          {picking ? (
            <RayServicePicker
              path={picking.path}
              services={picking.services}
              busy={open.isPending}
              onPick={(i) => once((done) => doOpen(picking.path, i, done))}
            />
          ) : null}
          {notRayService ? (
            <p className="small bad-text" role="alert">
              {notRayService} is a Serve config, not a RayService manifest: open it with Open….
            </p>
          ) : null}
        </PathDialog>
      ) : null}
      {mode === 'saveAs' ? (
        <PathDialog
          title="Save the config as"
          submitLabel="Save"
          busyLabel="Saving…"
          initial={file && !file.rayService ? file.path : ''}
          busy={save.isPending}
          error={overwrite ? null : save.error}
          testId="serve-save-dialog"
          onClose={() => show(null)}
          onSubmit={(path, done) => {
            write(path, null, false);
            done();
          }}
        />
      ) : null}
      {mode === 'export' ? (
        <ExportDialog
          initialName={file?.rayService?.name ?? 'raydeck-serve'}
          busy={exp.isPending}
          error={overwrite ? null : exp.error}
          manifest={manifest}
          onClose={() => show(null)}
          onShow={(name, done) =>
            exp.mutate(
              { text: draft.text, name },
              { onSuccess: (r) => setManifest(r.text), onSettled: done },
            )
          }
          onExport={({ name, path }, done) =>
            exp.mutate(
              { text: draft.text, name, path },
              {
                onSuccess: (r) => {
                  setManifest(r.text);
                  show(null);
                },
                onError: (e) => {
                  if (isConflict(e)) setOverwrite({ kind: 'export', name, path, why: e.message });
                },
                onSettled: done,
              },
            )
          }
        />
      ) : null}
      {overwrite ? (
        <ConfirmDialog
          title={
            intoOf(overwrite)
              ? `Save into ${baseName(overwrite.path)}?`
              : `Overwrite ${baseName(overwrite.path)}?`
          }
          body={
            intoOf(overwrite)
              ? `${overwrite.why}.`
              : `${overwrite.why}. Overwriting replaces what is in the file now.`
          }
          confirm={intoOf(overwrite) ? 'Save into the manifest' : 'Overwrite'}
          cancel="Don't overwrite"
          busy={busy}
          testId="serve-overwrite-confirm"
          onClose={() => setOverwrite(null)}
          onConfirm={() => {
            if (overwrite.kind === 'export')
              exp.mutate(
                { text: draft.text, name: overwrite.name, path: overwrite.path, overwrite: true },
                {
                  onSuccess: () => {
                    setOverwrite(null);
                    show(null);
                  },
                },
              );
            else write(overwrite.path, null, true, undefined, intoOf(overwrite));
          }}
        />
      ) : null}
    </div>
  );
}
