// A benchmark process for one stack. Three ways to run it:
//  - forked by the driver (IPC): runs { id, task, args } messages one at a time, replies { id, value }
//    or { id, error }; the stack stays loaded and warm across rounds.
//  - `worker.mjs serve STACK ARGS`: a bulk server in a process of its own; prints `port N`.
//  - `worker.mjs once STACK TASK ARGS`: one sample in a fresh process (idle memory), JSON on stdout.
import { loadStack } from './stacks.mjs';
import { bulkServer, TASKS } from './tasks.mjs';

const [mode, stackName, ...rest] = process.argv.slice(2);

if (mode === 'serve') {
  const stack = await loadStack(stackName);
  const server = await bulkServer(stack, JSON.parse(rest[0]));
  console.log(`port ${server.port}`);
} else if (mode === 'once') {
  const stack = await loadStack(stackName);
  const value = await TASKS[rest[0]](stack, JSON.parse(rest[1]));
  console.log(JSON.stringify(value));
  process.exit(0);
} else if (mode === 'ipc') {
  const stack = await loadStack(stackName);
  process.on('message', async ({ id, task, args }) => {
    try {
      const value = await TASKS[task](stack, args);
      process.send({ id, value });
    } catch (error) {
      process.send({ id, error: error instanceof Error ? error.message : String(error) });
    }
  });
  process.send({ ready: true });
} else {
  console.error('usage: worker.mjs ipc|serve|once STACK ...');
  process.exit(2);
}
