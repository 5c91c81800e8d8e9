import { Injectable } from '@nestjs/common';

/** Whether the process has been told to stop: readiness answers 503 from then on. */
@Injectable()
export class ShutdownState {
  private began = false;

  get inProgress(): boolean {
    return this.began;
  }

  begin(): void {
    this.began = true;
  }
}
