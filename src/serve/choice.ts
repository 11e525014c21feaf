/** One autocomplete choice, as Discord takes it. */
export interface Choice {
  name: string;
  value: string;
}
