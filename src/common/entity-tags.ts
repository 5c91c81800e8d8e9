import { BadRequestException } from '@nestjs/common';

/** An entity tag as RFC 9110 §8.8.3 writes it: `"opaque"`, or `W/"opaque"` when weak. */
export interface EntityTag {
  weak: boolean;
  opaque: string;
}

/** The value of If-Match or If-None-Match: `*`, or a list of entity tags. */
export type EntityTagCondition = '*' | readonly EntityTag[];

/** One list member, its separator consumed: [weak marker, opaque-tag content]. */
const LIST_MEMBER = /^[ \t]*(W\/)?"([\x21\x23-\x7e\x80-\xff]*)"[ \t]*(?:,|$)/;
const EMPTY_MEMBER = /^[ \t]*,/;

/** The strong validator of a resource at this version. */
export function entityTag(version: number): string {
  return `"${version}"`;
}

/**
 * Parses If-Match or If-None-Match (`header` names it in the 400). Absent: undefined. Anything that
 * is not `*` or a comma-separated list of one or more entity tags is a 400.
 */
export function parseEntityTagCondition(
  value: string | undefined,
  header: 'If-Match' | 'If-None-Match',
): EntityTagCondition | undefined {
  if (value === undefined) return undefined;
  if (value.trim() === '*') return '*';
  const tags: EntityTag[] = [];
  let rest = value;
  while (rest.trim() !== '') {
    const empty = EMPTY_MEMBER.exec(rest);
    const member = empty === null ? LIST_MEMBER.exec(rest) : null;
    if (empty === null && member === null) {
      throw new BadRequestException([
        `${header} must be * or a comma-separated list of entity tags such as "3"`,
      ]);
    }
    if (member !== null) tags.push({ weak: member[1] !== undefined, opaque: member[2] });
    rest = rest.slice((empty ?? member)![0].length);
  }
  if (tags.length === 0) {
    throw new BadRequestException([`${header} must name at least one entity tag`]);
  }
  return tags;
}

/** If-Match: strong comparison (RFC 9110 §13.1.1): a weak tag never matches; `*` matches. */
export function matchesStrongly(condition: EntityTagCondition, current: string): boolean {
  return condition === '*' || condition.some((tag) => !tag.weak && `"${tag.opaque}"` === current);
}

/** If-None-Match: weak comparison (RFC 9110 §13.1.2): `W/"3"` matches `"3"`; `*` matches. */
export function matchesWeakly(condition: EntityTagCondition, current: string): boolean {
  return condition === '*' || condition.some((tag) => `"${tag.opaque}"` === current);
}
