import {
  type ValidationArguments,
  ValidatorConstraint,
  type ValidatorConstraintInterface,
} from 'class-validator';

/** `until` may not come before `since`: such a window holds nothing, and is a caller's mistake. */
@ValidatorConstraint({ name: 'sinceNotAfterUntil' })
export class SinceNotAfterUntil implements ValidatorConstraintInterface {
  validate(until: unknown, { object }: ValidationArguments): boolean {
    const since = (object as { since?: unknown }).since;
    return typeof since !== 'number' || typeof until !== 'number' || since <= until;
  }

  defaultMessage(): string {
    return 'since must not be after until';
  }
}
