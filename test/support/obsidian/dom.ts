/**
 * Obsidian's DOM helpers (createEl, empty, setText, addClass, ...) installed on the prototypes of the
 * current DOM (happy-dom under vitest), plus the small language extensions Obsidian adds globally.
 */

type ElInfo = {
  cls?: string | string[];
  text?: string | DocumentFragment;
  attr?: Record<string, string | number | boolean | null>;
  title?: string;
  parent?: Node;
  value?: string;
  type?: string;
  prepend?: boolean;
  placeholder?: string;
  href?: string;
};

function define(proto: object, name: string, value: unknown): void {
  Object.defineProperty(proto, name, { value, configurable: true, writable: true, enumerable: false });
}

function setAttrValue(el: Element, name: string, value: string | number | boolean | null): void {
  if (value === null || value === false) el.removeAttribute(name);
  else el.setAttribute(name, value === true ? '' : String(value));
}

function applyInfo(el: HTMLElement | SVGElement, o: ElInfo | string | undefined, parent: Node | null): void {
  const info: ElInfo = typeof o === 'string' ? { cls: o } : (o ?? {});
  if (info.cls) {
    const classes = (Array.isArray(info.cls) ? info.cls : info.cls.split(' ')).filter((c) => c.length > 0);
    if (classes.length > 0) el.classList.add(...classes);
  }
  if (info.text !== undefined) {
    if (typeof info.text === 'string') el.textContent = info.text;
    else el.appendChild(info.text);
  }
  if (info.attr) for (const [k, v] of Object.entries(info.attr)) setAttrValue(el, k, v);
  if (info.title !== undefined) el.setAttribute('title', info.title);
  if (info.value !== undefined && 'value' in el) (el as HTMLInputElement).value = info.value;
  if (info.type !== undefined) el.setAttribute('type', info.type);
  if (info.placeholder !== undefined) el.setAttribute('placeholder', info.placeholder);
  if (info.href !== undefined) el.setAttribute('href', info.href);
  const target = info.parent ?? parent;
  if (target) {
    if (info.prepend) target.insertBefore(el, target.firstChild);
    else target.appendChild(el);
  }
}

let installed = false;

export function domAvailable(): boolean {
  return typeof globalThis.document !== 'undefined' && typeof globalThis.HTMLElement !== 'undefined';
}

/** Installs the helpers once per realm; a no-op without a DOM. */
export function installDomHelpers(): void {
  installLanguageHelpers();
  if (!domAvailable()) return;
  const g = globalThis as any;
  if (installed && g.Node.prototype.createEl) return;
  installed = true;
  const doc: Document = g.document;

  function createElIn(parent: Node | null, tag: string, o?: ElInfo | string, cb?: (el: any) => void): HTMLElement {
    const el = doc.createElement(tag);
    applyInfo(el, o, parent);
    cb?.(el);
    return el;
  }
  function createSvgIn(parent: Node | null, tag: string, o?: ElInfo | string, cb?: (el: any) => void): SVGElement {
    const el = doc.createElementNS('http://www.w3.org/2000/svg', tag);
    applyInfo(el, o, parent);
    cb?.(el);
    return el;
  }

  const NodeP = g.Node.prototype;
  define(NodeP, 'createEl', function (this: Node, tag: string, o?: ElInfo | string, cb?: (el: any) => void) {
    return createElIn(this, tag, o, cb);
  });
  define(NodeP, 'createDiv', function (this: Node, o?: ElInfo | string, cb?: (el: any) => void) {
    return createElIn(this, 'div', o, cb);
  });
  define(NodeP, 'createSpan', function (this: Node, o?: ElInfo | string, cb?: (el: any) => void) {
    return createElIn(this, 'span', o, cb);
  });
  define(NodeP, 'createSvg', function (this: Node, tag: string, o?: ElInfo | string, cb?: (el: any) => void) {
    return createSvgIn(this, tag, o, cb);
  });
  define(NodeP, 'empty', function (this: Node) {
    while (this.firstChild) this.removeChild(this.firstChild);
  });
  define(NodeP, 'detach', function (this: Node) {
    this.parentNode?.removeChild(this);
  });
  define(NodeP, 'appendText', function (this: Node, val: string) {
    this.appendChild(doc.createTextNode(val));
  });
  define(NodeP, 'insertAfter', function (this: Node, node: Node, child: Node | null) {
    this.insertBefore(node, child ? child.nextSibling : this.firstChild);
    return node;
  });
  define(NodeP, 'indexOf', function (this: Node, other: Node) {
    return Array.prototype.indexOf.call(this.childNodes, other);
  });
  define(NodeP, 'setChildrenInPlace', function (this: Node, children: Node[]) {
    while (this.firstChild) this.removeChild(this.firstChild);
    for (const c of children) this.appendChild(c);
  });
  define(NodeP, 'instanceOf', function (this: Node, type: new () => unknown) {
    return this instanceof type;
  });
  Object.defineProperty(NodeP, 'doc', { get: () => doc, configurable: true });
  Object.defineProperty(NodeP, 'win', { get: () => g.window ?? g, configurable: true });

  const ElP = g.Element.prototype;
  define(ElP, 'getText', function (this: Element) {
    return this.textContent ?? '';
  });
  define(ElP, 'setText', function (this: Element, val: string | DocumentFragment) {
    while (this.firstChild) this.removeChild(this.firstChild);
    if (typeof val === 'string') this.textContent = val;
    else this.appendChild(val);
  });
  define(ElP, 'addClass', function (this: Element, ...classes: string[]) {
    this.classList.add(...classes.filter((c) => c));
  });
  define(ElP, 'addClasses', function (this: Element, classes: string[]) {
    this.classList.add(...classes.filter((c) => c));
  });
  define(ElP, 'removeClass', function (this: Element, ...classes: string[]) {
    this.classList.remove(...classes);
  });
  define(ElP, 'removeClasses', function (this: Element, classes: string[]) {
    this.classList.remove(...classes);
  });
  define(ElP, 'toggleClass', function (this: Element, classes: string | string[], value: boolean) {
    for (const c of Array.isArray(classes) ? classes : [classes]) this.classList.toggle(c, value);
  });
  define(ElP, 'hasClass', function (this: Element, cls: string) {
    return this.classList.contains(cls);
  });
  define(ElP, 'setAttr', function (this: Element, name: string, value: string | number | boolean | null) {
    setAttrValue(this, name, value);
  });
  define(ElP, 'setAttrs', function (this: Element, obj: Record<string, string | number | boolean | null>) {
    for (const [k, v] of Object.entries(obj)) setAttrValue(this, k, v);
  });
  define(ElP, 'getAttr', function (this: Element, name: string) {
    return this.getAttribute(name);
  });
  define(ElP, 'matchParent', function (this: Element, selector: string, lastParent?: Element) {
    if (this.matches(selector)) return this;
    if (this === lastParent) return null;
    for (let el = this.parentElement; el; el = el.parentElement) {
      if (el.matches(selector)) return el;
      if (el === lastParent) break;
    }
    return null;
  });
  define(ElP, 'isActiveElement', function (this: Element) {
    return doc.activeElement === this;
  });
  define(ElP, 'find', function (this: Element, selector: string) {
    return this.querySelector(selector);
  });
  define(ElP, 'findAll', function (this: Element, selector: string) {
    return Array.from(this.querySelectorAll(selector));
  });
  define(ElP, 'findAllSelf', function (this: Element, selector: string) {
    const all = Array.from(this.querySelectorAll(selector));
    return this.matches(selector) ? [this, ...all] : all;
  });
  const FragP = g.DocumentFragment.prototype;
  define(FragP, 'find', function (this: DocumentFragment, selector: string) {
    return this.querySelector(selector);
  });
  define(FragP, 'findAll', function (this: DocumentFragment, selector: string) {
    return Array.from(this.querySelectorAll(selector));
  });

  const HtmlP = g.HTMLElement.prototype;
  define(HtmlP, 'show', function (this: HTMLElement) {
    Object.assign(this.style, { display: '' });
  });
  define(HtmlP, 'hide', function (this: HTMLElement) {
    Object.assign(this.style, { display: 'none' });
  });
  define(HtmlP, 'toggle', function (this: HTMLElement, show: boolean) {
    if (show) Object.assign(this.style, { display: '' });
    else Object.assign(this.style, { display: 'none' });
  });
  define(HtmlP, 'toggleVisibility', function (this: HTMLElement, visible: boolean) {
    if (visible) Object.assign(this.style, { visibility: '' });
    else Object.assign(this.style, { visibility: 'hidden' });
  });
  define(HtmlP, 'isShown', function (this: HTMLElement) {
    return this.style.getPropertyValue('display') !== 'none' && this.isConnected;
  });
  define(HtmlP, 'setCssStyles', function (this: HTMLElement, styles: Record<string, string>) {
    Object.assign(this.style, styles);
  });
  define(HtmlP, 'setCssProps', function (this: HTMLElement, props: Record<string, string>) {
    for (const [k, v] of Object.entries(props)) this.style.setProperty(k, v);
  });
  define(HtmlP, 'onClickEvent', function (this: HTMLElement, listener: (ev: MouseEvent) => unknown, options?: boolean | AddEventListenerOptions) {
    this.addEventListener('click', listener, options);
  });
  define(HtmlP, 'trigger', function (this: HTMLElement, eventType: string) {
    this.dispatchEvent(new g.Event(eventType, { bubbles: true, cancelable: true }));
  });

  define(g, 'createEl', (tag: string, o?: ElInfo | string, cb?: (el: any) => void) => createElIn(null, tag, o, cb));
  define(g, 'createDiv', (o?: ElInfo | string, cb?: (el: any) => void) => createElIn(null, 'div', o, cb));
  define(g, 'createSpan', (o?: ElInfo | string, cb?: (el: any) => void) => createElIn(null, 'span', o, cb));
  define(g, 'createSvg', (tag: string, o?: ElInfo | string, cb?: (el: any) => void) => createSvgIn(null, tag, o, cb));
  define(g, 'createFragment', (cb?: (el: DocumentFragment) => void) => {
    const frag = doc.createDocumentFragment();
    cb?.(frag);
    return frag;
  });
  define(g, 'fish', (selector: string) => doc.querySelector(selector));
  define(g, 'fishAll', (selector: string) => Array.from(doc.querySelectorAll(selector)));
  define(g, 'activeDocument', doc);
  define(g, 'activeWindow', g.window ?? g);
  if (g.window && g.window !== g) {
    define(g.window, 'activeDocument', doc);
    define(g.window, 'activeWindow', g.window);
  }
}

/** The globals Obsidian adds to the language (Array.first, String.contains, sleep, ...). */
function installLanguageHelpers(): void {
  const g = globalThis as any;
  const AP = Array.prototype as any;
  if (!AP.first) {
    define(AP, 'first', function (this: unknown[]) {
      return this[0];
    });
    define(AP, 'last', function (this: unknown[]) {
      return this[this.length - 1];
    });
    define(AP, 'contains', function (this: unknown[], target: unknown) {
      return this.includes(target);
    });
    define(AP, 'remove', function (this: unknown[], target: unknown) {
      for (let i = this.indexOf(target); i >= 0; i = this.indexOf(target)) this.splice(i, 1);
    });
    define(AP, 'unique', function (this: unknown[]) {
      return Array.from(new Set(this));
    });
  }
  const SP = String.prototype as any;
  if (!SP.contains) {
    define(SP, 'contains', function (this: string, target: string) {
      return this.includes(target);
    });
  }
  if (!g.Math.clamp) define(g.Math, 'clamp', (v: number, min: number, max: number) => Math.min(max, Math.max(min, v)));
  if (!g.Object.isEmpty) define(g.Object, 'isEmpty', (o: object) => Object.keys(o).length === 0);
  if (!g.String.isString) define(g.String, 'isString', (o: unknown) => typeof o === 'string');
  if (!g.Number.isNumber) define(g.Number, 'isNumber', (o: unknown) => typeof o === 'number');
  if (!g.isBoolean) define(g, 'isBoolean', (o: unknown) => typeof o === 'boolean');
  if (!g.sleep) define(g, 'sleep', (ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  if (!g.nextFrame) define(g, 'nextFrame', () => new Promise<void>((r) => setTimeout(r, 0)));
}
