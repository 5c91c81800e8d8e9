import { setFlagsFromString } from 'node:v8';

/**
 * Turns off V8's allocation-site pretenuring for the server process, before anything else is
 * loaded. From the scavenges of its first seconds, V8 may decide that an allocation site makes
 * long-lived objects and allocate them in the old generation for good; when it chose sites of
 * per-request objects, the process spent a third more CPU per read for the rest of its life.
 * The measurements are in `bench/README.md`.
 */
setFlagsFromString('--no-allocation-site-pretenuring');
