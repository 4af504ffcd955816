// Messages to the reader: errors, reports and undo offers, shown by Notices.svelte.

export interface Notice {
  id: number;
  kind: 'info' | 'error';
  text: string;
  action?: { label: string; run: () => void | Promise<void> };
}

/** Notices: the live list of shown messages; info ones fade after a while, errors stay. */
export class Notices {
  list = $state<Notice[]>([]);
  private next = 1;

  /** push: show a message; returns its id. */
  push(kind: Notice['kind'], text: string, action?: Notice['action'], ttlMs = kind === 'error' ? 0 : 8000): number {
    const id = this.next++;
    this.list = [...this.list.slice(-3), { id, kind, text, action }];
    if (ttlMs > 0) setTimeout(() => this.dismiss(id), ttlMs);
    return id;
  }

  /** error: show an error from anything thrown. */
  error(err: unknown): void {
    this.push('error', err instanceof Error ? err.message : String(err));
  }

  /** dismiss: remove one message. */
  dismiss(id: number): void {
    this.list = this.list.filter((n) => n.id !== id);
  }
}

export const notices = new Notices();
