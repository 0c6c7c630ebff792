/**
 * "Are you sure?" for what cannot be undone (ending a call, taking it over): a modal
 * dialog naming exactly what will happen; Escape or Cancel does nothing.
 */
import { h } from './dom.js';

export function confirmAction(title: string, detail: string, confirmLabel: string): Promise<boolean> {
  return new Promise((resolve) => {
    const dialog = h('dialog', { id: 'confirm', class: 'confirm', 'aria-labelledby': 'confirm-title' });
    const done = (ok: boolean) => {
      dialog.close();
      dialog.remove();
      resolve(ok);
    };
    dialog.append(
      h('h2', { id: 'confirm-title' }, title),
      h('p', {}, detail),
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'button', id: 'confirm-cancel', onclick: () => done(false) }, 'Cancel'),
        h('button', { type: 'button', id: 'confirm-ok', class: 'danger', onclick: () => done(true) }, confirmLabel),
      ),
    );
    dialog.addEventListener('cancel', (e) => {
      e.preventDefault();
      done(false);
    });
    document.body.append(dialog);
    dialog.showModal();
    dialog.querySelector<HTMLButtonElement>('#confirm-cancel')!.focus();
  });
}
