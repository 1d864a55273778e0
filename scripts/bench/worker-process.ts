/**
 * The worker process of the benchmark: the unchanged `npm run worker` entry point (src/temporal/worker-main.ts),
 * with the memory probe loaded first so the parent can ask for V8 heap figures.
 */
import './worker-probe';
import '../../src/temporal/worker-main';
