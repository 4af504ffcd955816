// The auto-tag rule editor's state: the rule list, the rule being edited with its live preview,
// and saving / applying the rules (issue 6). Components call these methods; only api.ts talks to the core.
import type { TagRule } from '../../../src-main/core/model';
import { api } from './api';
import { reader } from './reader.svelte';
import { draftFromRule, emptyDraft, ruleFromDraft, type RuleDraft } from './rule-draft';

export type Preview = { kind: 'idle'; hint: string } | { kind: 'pending' } | { kind: 'count'; n: number; stale: boolean } | { kind: 'error'; message: string };

const PREVIEW_DELAY_MS = 300;

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** TagRulesEditor: one open rule editor (made when the dialog opens). */
export class TagRulesEditor {
  rules = $state<TagRule[]>([]);
  loaded = $state(false);
  dirty = $state(false);
  busy = $state(false);
  /** An API failure (load, save, apply), shown as an alert. */
  error = $state<string | null>(null);
  /** The outcome of the last save or apply. */
  status = $state<string | null>(null);
  /** The rule being edited: its index, -1 for a new rule, null when none is. */
  editing = $state<number | null>(null);
  draft = $state<RuleDraft>(emptyDraft());
  /** Why the draft could not be kept, shown once the user tried. */
  draftError = $state<string | null>(null);
  preview = $state<Preview>({ kind: 'idle', hint: '' });
  private original = '';
  private previewSeq = 0;
  private previewTimer: ReturnType<typeof setTimeout> | undefined;

  /** load: the stored rules. */
  async load(): Promise<void> {
    try {
      this.rules = await api.getTagRules();
      this.loaded = true;
    } catch (err) {
      this.error = message(err);
    }
  }

  /** add: start editing a new rule. */
  add(): void {
    this.startEditing(-1, emptyDraft());
  }

  /** edit: start editing rule i. */
  edit(i: number): void {
    const rule = this.rules[i];
    if (rule) this.startEditing(i, draftFromRule(rule));
  }

  private startEditing(i: number, draft: RuleDraft): void {
    this.editing = i;
    this.draft = draft;
    this.original = JSON.stringify(draft);
    this.draftError = null;
    this.status = null;
    // The form's effect schedules the first preview as it appears.
  }

  /** unsaved: whether closing now would lose work (list changes, or a changed draft). */
  unsaved(): boolean {
    return this.dirty || (this.editing !== null && JSON.stringify(this.draft) !== this.original);
  }

  /** cancelEdit: leave the rule as it was. */
  cancelEdit(): void {
    this.editing = null;
    this.stopPreview();
  }

  /** keep: put the draft into the list (not saved yet); false with draftError set when it is not a valid rule. */
  keep(): boolean {
    const made = ruleFromDraft(this.draft);
    if ('error' in made) {
      this.draftError = made.error;
      return false;
    }
    const i = this.editing ?? -1;
    this.rules = i >= 0 ? this.rules.map((r, j) => (j === i ? made.rule : r)) : [...this.rules, made.rule];
    this.dirty = true;
    this.cancelEdit();
    return true;
  }

  /** remove: drop rule i from the list (not saved yet). */
  remove(i: number): void {
    this.rules = this.rules.filter((_, j) => j !== i);
    this.dirty = true;
    this.status = null;
  }

  /** schedulePreview: count, after a pause in typing, the stored items the draft would tag. */
  schedulePreview(): void {
    clearTimeout(this.previewTimer);
    const seq = ++this.previewSeq;
    const made = ruleFromDraft(this.draft);
    if ('error' in made) {
      this.preview = { kind: 'idle', hint: made.error.replace(/^tag rules: /, '') };
      return;
    }
    if (this.draftError) this.draftError = null;
    // The last count stays on screen (marked stale) so the live region does not chatter while typing.
    this.preview = this.preview.kind === 'count' ? { ...this.preview, stale: true } : { kind: 'pending' };
    this.previewTimer = setTimeout(() => {
      api.previewTagRule(made.rule).then(
        (n) => { if (seq === this.previewSeq) this.preview = { kind: 'count', n, stale: false }; },
        (err: unknown) => { if (seq === this.previewSeq) this.preview = { kind: 'error', message: message(err) }; },
      );
    }, PREVIEW_DELAY_MS);
  }

  /** stopPreview: forget any pending preview (editing ended or the dialog closed). */
  stopPreview(): void {
    clearTimeout(this.previewTimer);
    this.previewSeq++;
  }

  /** save: store the list; true when it was stored. */
  async save(): Promise<boolean> {
    return this.run(async () => {
      await api.setTagRules($state.snapshot(this.rules));
      this.dirty = false;
      this.status = `Saved ${this.rules.length} rule${this.rules.length === 1 ? '' : 's'}.`;
    });
  }

  /** apply: save unsaved changes, re-tag every stored item, then reload the tag counts and the timeline. */
  async apply(): Promise<boolean> {
    if (this.dirty && !(await this.save())) return false;
    return this.run(async () => {
      const n = await api.applyTagRules();
      this.status = `Applied the rules: ${n} item${n === 1 ? '' : 's'} changed.`;
      await reader.library.reloadFeeds();
      await reader.timeline.reload();
    });
  }

  private async run(work: () => Promise<void>): Promise<boolean> {
    this.busy = true;
    this.error = null;
    this.status = null;
    try {
      await work();
      return true;
    } catch (err) {
      this.error = message(err);
      return false;
    } finally {
      this.busy = false;
    }
  }
}
