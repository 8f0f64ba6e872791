// Toasts (announced through aria-live regions) and modal dialogs (native <dialog>: the page
// behind is inert, Escape closes; focus goes into the dialog and back where it was).

import { messageOf } from './api';
import { h, uid, type Child } from './dom';

const TOAST_MS = 6000;
const ERROR_MS = 12000;

function region(id: string): HTMLElement {
  const element = document.getElementById(id);
  if (!element) throw new Error(`#${id} missing from index.html`);
  return element;
}

// A success; it also takes away the errors shown before it (they are settled by it).
export function toast(message: string): void {
  clearErrors();
  show(region('toasts'), message, 'toast', TOAST_MS);
}

// An error, read out at once (role=alert); stays longer and can be dismissed.
export function toastError(error: unknown): void {
  show(region('alerts'), messageOf(error), 'toast toast-error', ERROR_MS);
}

const MAX_TOASTS = 3;

// What was said to the user who has left is not for the next one at this workstation.
export function clearNotices(): void {
  region('toasts').replaceChildren();
  clearErrors();
}

// Errors of the screen left behind are no longer about what is on view.
export function clearErrors(): void {
  region('alerts').replaceChildren();
}

function show(container: HTMLElement, message: string, cls: string, ms: number): void {
  while (container.children.length >= MAX_TOASTS) container.firstElementChild?.remove();
  const item = h(
    'div',
    { class: cls },
    h('span', { class: 'toast-text' }, message),
    h('button', { type: 'button', class: 'toast-close', 'aria-label': 'Dismiss', onclick: () => item.remove() }, '×'),
  );
  container.appendChild(item);
  setTimeout(() => item.remove(), ms);
}

export interface DialogHandle {
  dialog: HTMLDialogElement;
  close(): void;
}

let openDialogs = 0;
export function dialogOpen(): boolean {
  return openDialogs > 0;
}

// Opens a modal dialog titled `title` holding `body`; focus goes to `initialFocus` (else the
// first field). The dialog is removed when closed; `onClose` runs then.
export function openDialog(
  title: string,
  body: Child,
  options: { initialFocus?: HTMLElement; onClose?: () => void; wide?: boolean } = {},
): DialogHandle {
  const previous = document.activeElement as HTMLElement | null;
  const titleId = uid('dialog-title');
  const dialog = h(
    'dialog',
    { class: options.wide ? 'dialog dialog-wide' : 'dialog', 'aria-labelledby': titleId },
    h(
      'div',
      { class: 'dialog-head' },
      h('h2', { id: titleId }, title),
      h('button', { type: 'button', class: 'dialog-close', 'aria-label': 'Close dialog', onclick: () => close() }, '×'),
    ),
    h('div', { class: 'dialog-body' }, body),
  );
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    if (dialog.open) dialog.close();
  };
  dialog.addEventListener('close', () => {
    closed = true;
    openDialogs -= 1;
    dialog.remove();
    options.onClose?.();
    if (previous && document.contains(previous)) previous.focus();
  });
  document.body.appendChild(dialog);
  openDialogs += 1;
  dialog.showModal();
  const focusTarget =
    options.initialFocus ??
    dialog.querySelector<HTMLElement>('.dialog-body input:not([type=hidden]), .dialog-body select, .dialog-body textarea, .dialog-body button');
  focusTarget?.focus();
  return { dialog, close };
}

// A confirm-style dialog around a form: `build` gets the form's error box; submitting runs
// `submit`, whose failure is shown in the dialog (the server's text) and keeps it open.
export function formDialog(
  title: string,
  fields: Child,
  submitText: string,
  submit: () => Promise<void>,
  options: { wide?: boolean; danger?: boolean; initialFocus?: HTMLElement } = {},
): DialogHandle {
  const error = h('div', { class: 'form-error', role: 'alert', hidden: true });
  const submitButton = h('button', { type: 'submit', class: options.danger ? 'danger' : 'primary' }, submitText);
  let handle: DialogHandle | null = null;
  const form = h(
    'form',
    {
      class: 'dialog-form',
      onsubmit: async (event: Event) => {
        event.preventDefault();
        error.hidden = true;
        submitButton.disabled = true;
        try {
          await submit();
          handle?.close();
        } catch (e) {
          error.textContent = messageOf(e);
          error.hidden = false;
          error.focus();
        } finally {
          submitButton.disabled = false;
        }
      },
    },
    fields,
    error,
    h(
      'div',
      { class: 'dialog-actions' },
      h('button', { type: 'button', onclick: () => handle?.close() }, 'Cancel'),
      submitButton,
    ),
  );
  error.tabIndex = -1;
  handle = openDialog(title, form, options);
  return handle;
}
