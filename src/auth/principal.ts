/** Who called, as the verified token says. */
export interface Principal {
  subject: string | undefined;
  scopes: ReadonlySet<string>;
}
