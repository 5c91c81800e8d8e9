import { setFlagsFromString } from 'node:v8';

/**
 * Turns off V8's allocation-site pretenuring for the server process, before anything else is
 * loaded. From the scavenges of its first seconds, V8 may decide that an allocation site makes
 * long-lived objects and allocate them in the old generation from then on, a choice it keeps.
 * Under load, 11 of 24 server processes made it for sites of per-request objects: their garbage
 * then filled the old generation, each scavenge took 10–15 ms instead of 0.5, a full collection
 * ran every second or two, and the process spent a third more CPU per read for the rest of its
 * life (`bench/README.md`). A request/response server's objects die young: without the
 * heuristic, none of 19 processes was seen in that state.
 */
setFlagsFromString('--no-allocation-site-pretenuring');
