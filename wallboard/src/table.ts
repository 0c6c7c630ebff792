/**
 * A sortable table: a click on a column header sorts by it (again: the other way), the
 * choice survives every re-render, and an empty list says so in words. Each cell carries
 * its column's label, so on a phone the rows become cards that still say what each figure
 * is (styles.css).
 */
import { h } from './dom.js';

type Cell = Node | string | number | null;
type SortValue = string | number | null;

export interface Column<T> {
  key: string;
  /** The header, with its unit where it has one: "Longest wait (m:ss)". */
  label: string;
  cell: (row: T) => Cell;
  /** What the column sorts by; absent: not sortable. */
  sort?: (row: T) => SortValue;
  /** A class for the cells (numbers are right-aligned with `num`). */
  class?: string;
  /** data-field of the cells, for tests and styles. */
  field?: string;
}

export interface TableOptions<T> {
  id: string;
  columns: Array<Column<T>>;
  /** Attributes of a row (data-call, data-agent...). */
  rowAttrs?: (row: T) => Record<string, string>;
  /** Shown in place of the rows when there are none. */
  empty: string | (() => string);
  sortBy?: string;
  descending?: boolean;
}

export class SortTable<T> {
  readonly el: HTMLTableElement;
  private sortKey: string | undefined;
  private descending: boolean;
  private rows: T[] = [];

  constructor(private readonly o: TableOptions<T>) {
    this.el = h('table', { id: o.id, class: 'sortable' });
    this.sortKey = o.sortBy;
    this.descending = o.descending ?? false;
  }

  /** Columns that depend on the data (a report's grouping); the sort stays when its column does. */
  setColumns(columns: Array<Column<T>>): void {
    this.o.columns = columns;
  }

  render(rows: T[]): void {
    this.rows = rows;
    const { columns } = this.o;
    const col = columns.find((c) => c.key === this.sortKey && c.sort);
    const sorted = col ? [...rows].sort((a, b) => compare(col.sort!(a), col.sort!(b)) * (this.descending ? -1 : 1)) : rows;
    const head = h(
      'tr',
      {},
      ...columns.map((c) => {
        const active = c.key === this.sortKey;
        const th = h('th', { scope: 'col', class: c.class ?? '', 'aria-sort': active ? (this.descending ? 'descending' : 'ascending') : c.sort ? 'none' : null });
        if (c.sort) th.append(h('button', { type: 'button', class: 'sort', 'data-sort': c.key, onclick: () => this.sortOn(c.key) }, c.label, h('span', { class: 'arrow', 'aria-hidden': 'true' }, active ? (this.descending ? ' ▼' : ' ▲') : '')));
        else th.append(c.label);
        return th;
      }),
    );
    const empty = typeof this.o.empty === 'function' ? this.o.empty() : this.o.empty;
    const body =
      sorted.length === 0
        ? [h('tr', { class: 'empty' }, h('td', { colspan: columns.length }, empty))]
        : sorted.map((r) =>
            h(
              'tr',
              this.o.rowAttrs?.(r) ?? {},
              ...columns.map((c) => h('td', { class: c.class ?? '', 'data-label': c.label, ...(c.field ? { 'data-field': c.field } : {}) }, c.cell(r))),
            ),
          );
    this.el.replaceChildren(h('thead', {}, head), h('tbody', {}, ...body));
  }

  private sortOn(key: string): void {
    if (this.sortKey === key) this.descending = !this.descending;
    else {
      this.sortKey = key;
      this.descending = false;
    }
    this.render(this.rows);
  }
}

/** Nulls last, numbers by value, text by locale. */
function compare(a: SortValue, b: SortValue): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b), undefined, { numeric: true });
}
