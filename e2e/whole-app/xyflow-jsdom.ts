/**
 * What @xyflow/react needs from a browser that jsdom lacks: ResizeObserver (it measures every
 * node), DOMMatrixReadOnly (it reads the viewport's zoom from the transform), element sizes
 * (jsdom lays nothing out, so a node would measure 0x0 and never show) and SVG getBBox (edge
 * labels). Imported once by the pipeline page's whole-app tests, before React renders; the
 * stubs are the minimum xyflow's own testing guide lists, sizes taken from inline styles.
 */

class StubResizeObserver {
  constructor(private readonly callback: ResizeObserverCallback) {}
  observe(target: Element): void {
    this.callback(
      [{ target } as unknown as ResizeObserverEntry],
      this as unknown as ResizeObserver,
    );
  }
  unobserve(): void {}
  disconnect(): void {}
}

class StubDOMMatrixReadOnly {
  readonly m22: number;
  constructor(transform?: string) {
    const scale = transform?.match(/scale\(([0-9.]+)\)/)?.[1];
    this.m22 = scale !== undefined ? Number(scale) : 1;
  }
}

let installed = false;

export function installXyflowJsdomStubs(): void {
  if (installed || typeof window === 'undefined') return;
  installed = true;
  const g = globalThis as unknown as Record<string, unknown>;
  g.ResizeObserver ??= StubResizeObserver;
  g.DOMMatrixReadOnly ??= StubDOMMatrixReadOnly;
  // A stage measures as its inline size or a fixed box: xyflow renders only measured nodes.
  Object.defineProperties(HTMLElement.prototype, {
    offsetHeight: {
      configurable: true,
      get(this: HTMLElement) {
        return parseFloat(this.style.height) || 100;
      },
    },
    offsetWidth: {
      configurable: true,
      get(this: HTMLElement) {
        return parseFloat(this.style.width) || 200;
      },
    },
  });
  const svg = SVGElement.prototype as unknown as { getBBox?: () => DOMRect };
  svg.getBBox ??= () => ({ x: 0, y: 0, width: 0, height: 0 }) as DOMRect;
}

installXyflowJsdomStubs();
