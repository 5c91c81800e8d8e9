/** Now, in whole unix seconds, as every timestamp the API answers is. */
export function unixNow(): number {
  return Math.floor(Date.now() / 1000);
}
