/** Who called, as the verified token says. */
export interface Principal {
  subject: string | undefined;
  scopes: ReadonlySet<string>;
  /** The token's `exp`, unix seconds. */
  expiresAt: number;
}
