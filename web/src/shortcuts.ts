// Keyboard shortcuts: global ones (navigation) and those of the screen on view, which are
// cleared when the screen changes. Single keys act when focus is not in a text field; Escape
// and the Alt+ forms act everywhere. "?" lists them all (the help overlay).

import { h } from './dom';
import { dialogOpen, openDialog } from './ui';
import { isEditable } from './dom';

export interface Shortcut {
  key: string; // KeyboardEvent.key, e.g. "r", "?", "ArrowDown"; a letter also acts as Alt+letter
  label?: string; // how to show it, default the key
  description: string;
  run: (event: KeyboardEvent) => void;
  anywhere?: boolean; // also when focus is in a text field
}

const globalShortcuts: Shortcut[] = [];
let viewShortcuts: Shortcut[] = [];
let viewTitle = '';

export function addGlobal(shortcut: Shortcut): void {
  globalShortcuts.push(shortcut);
}

export function setViewShortcuts(title: string, shortcuts: Shortcut[]): void {
  viewTitle = title;
  viewShortcuts = shortcuts;
}

export function addViewShortcut(shortcut: Shortcut): void {
  viewShortcuts.push(shortcut);
}

export function clearViewShortcuts(): void {
  viewShortcuts = [];
  viewTitle = '';
}

export function installShortcuts(): void {
  document.addEventListener('keydown', (event) => {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey) return;
    if (dialogOpen()) return; // a dialog handles its own keys (Escape closes it)
    const editable = isEditable(event.target);
    // Alt+letter: the letter's shortcut, wherever the focus is (event.key is then often a
    // composed character, so the physical key is read).
    const altLetter = event.altKey && /^Key[A-Z]$/.test(event.code) ? event.code.slice(3).toLowerCase() : null;
    for (const shortcut of [...viewShortcuts, ...globalShortcuts]) {
      if (altLetter !== null) {
        if (shortcut.key.toLowerCase() !== altLetter || shortcut.key.length !== 1) continue;
      } else {
        if (event.altKey || shortcut.key !== event.key) continue;
        if (editable && !shortcut.anywhere) continue;
      }
      event.preventDefault();
      shortcut.run(event);
      return;
    }
  });
}

export function showHelp(): void {
  const table = (title: string, list: Shortcut[]) =>
    list.length === 0
      ? null
      : h(
          'section',
          { class: 'help-section' },
          h('h3', null, title),
          h(
            'dl',
            { class: 'shortcut-list' },
            list.map((s) => [h('dt', null, h('kbd', null, s.label ?? s.key)), h('dd', null, s.description)]),
          ),
        );
  openDialog(
    'Keyboard shortcuts',
    h(
      'div',
      { class: 'help' },
      h(
        'p',
        { class: 'hint' },
        'Single keys act when the cursor is not in a text field; Alt+key works everywhere. Escape closes a dialog.',
      ),
      table(viewTitle ? `On this screen: ${viewTitle}` : 'On this screen', viewShortcuts),
      table('Everywhere', globalShortcuts),
    ),
    { wide: true },
  );
}
