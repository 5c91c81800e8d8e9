/** The part of autocannon 9's programmatic API the benchmark uses (the package ships no types). */
declare module 'autocannon' {
  namespace autocannon {
    interface Request {
      method?: string;
      path?: string;
      headers?: Record<string, string>;
      body?: string;
      /** Called before every send of this request; returns the request to send. */
      setupRequest?: (request: Request, context: Record<string, unknown>) => Request;
    }

    interface Options {
      url: string;
      connections?: number;
      pipelining?: number;
      /** Seconds. */
      duration?: number;
      /** Seconds before a request counts as timed out. */
      timeout?: number;
      headers?: Record<string, string>;
      /** Cycled through in order by every connection. */
      requests?: Request[];
      /** Resolve with the raw counts (autocannon's own histograms have 1 ms resolution). */
      skipAggregateResult?: boolean;
    }

    /** One run's counts, as resolved with `skipAggregateResult: true`. */
    interface RawResult {
      totalCompletedRequests: number;
      totalRequests: number;
      totalBytes: number;
      errors: number;
      timeouts: number;
      non2xx: number;
      resets: number;
      /** Seconds. */
      duration: number;
      statusCodeStats: Record<string, { count: number }>;
    }

    /** The running load: its events, and the raw result once it is done. */
    interface Instance extends PromiseLike<RawResult> {
      /** Every response, with its time from request to response in (fractional) milliseconds. */
      on(
        event: 'response',
        listener: (
          client: unknown,
          statusCode: number,
          bytes: number,
          responseTimeMs: number,
        ) => void,
      ): this;
    }
  }

  function autocannon(
    options: autocannon.Options & { skipAggregateResult: true },
  ): autocannon.Instance;

  export = autocannon;
}
