// A few DOM helpers: h() builds elements (text is always set as text, never parsed as HTML, so a
// patient's name cannot inject markup), and small conveniences around it.

export type Child = Node | string | number | null | undefined | false | Child[];

export type Attrs = {
  [name: string]: unknown;
};

// h('button', {class: 'primary', onclick: fn, 'aria-keyshortcuts': 'r'}, 'Release')
// - "class", "for" and "text" are shorthands; "on<event>" functions become listeners;
// - value, checked, disabled, hidden, selected, required, readOnly, tabIndex are properties;
// - anything else (aria-*, data-*, role, id, type, ...) is an attribute; false/null/undefined
//   leave it out, true sets it empty.
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs?: Attrs | null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (attrs) {
    for (const [name, value] of Object.entries(attrs)) {
      if (value === undefined || value === null || value === false) continue;
      if (name.startsWith('on') && typeof value === 'function') {
        element.addEventListener(name.slice(2), value as EventListener);
      } else if (name === 'class') {
        element.className = String(value);
      } else if (name === 'for') {
        (element as unknown as HTMLLabelElement).htmlFor = String(value);
      } else if (name === 'text') {
        element.textContent = String(value);
      } else if (PROPERTIES.has(name)) {
        (element as unknown as Record<string, unknown>)[name] = value;
      } else {
        element.setAttribute(name, value === true ? '' : String(value));
      }
    }
  }
  append(element, children);
  return element;
}

const PROPERTIES = new Set([
  'value',
  'checked',
  'disabled',
  'hidden',
  'selected',
  'required',
  'readOnly',
  'tabIndex',
  'multiple',
]);

export function append(parent: Node, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) {
      append(parent, child);
    } else if (child instanceof Node) {
      parent.appendChild(child);
    } else {
      parent.appendChild(document.createTextNode(String(child)));
    }
  }
}

// Replaces the element's content.
export function replace(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, children);
}

let nextId = 0;
// A unique id for label/for and aria-describedby pairs.
export function uid(prefix = 'f'): string {
  nextId += 1;
  return `${prefix}-${nextId}`;
}

// A labelled form field: <div class="field"><label for>..</label><input id></div>.
export function field(
  label: string,
  control: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement,
  hint?: string,
): HTMLDivElement {
  if (!control.id) control.id = uid();
  const children: Child[] = [h('label', { for: control.id }, label), control];
  if (hint) {
    const hintId = uid('hint');
    control.setAttribute('aria-describedby', hintId);
    children.push(h('div', { class: 'hint', id: hintId }, hint));
  }
  return h('div', { class: 'field' }, children);
}

// A button showing its keyboard shortcut.
export function button(
  text: string,
  onclick: (event: MouseEvent) => void,
  options: { key?: string; keyLabel?: string; kind?: string; disabled?: boolean; title?: string } = {},
): HTMLButtonElement {
  return h(
    'button',
    {
      type: 'button',
      class: options.kind ?? '',
      onclick,
      disabled: options.disabled ?? false,
      title: options.title,
      'aria-keyshortcuts': options.key,
    },
    text,
    options.key ? h('kbd', { 'aria-hidden': 'true' }, options.keyLabel ?? options.key) : null,
  );
}

// An inline error area for a form; role=alert so that a screen reader says it when it changes.
export function errorBox(): HTMLDivElement & { show(message: string): void; clear(): void } {
  const box = h('div', { class: 'form-error', role: 'alert', hidden: true }) as HTMLDivElement & {
    show(message: string): void;
    clear(): void;
  };
  box.show = (message: string) => {
    box.textContent = message;
    box.hidden = false;
  };
  box.clear = () => {
    box.textContent = '';
    box.hidden = true;
  };
  return box;
}

export function isEditable(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag === 'INPUT') {
    const type = (target as HTMLInputElement).type;
    return !['checkbox', 'radio', 'button', 'submit', 'reset'].includes(type);
  }
  return false;
}
