// Preloaded into the server by bench/login.ts when BENCH_PROFILE=DIR is set (node --cpu-prof is not
// allowed in NODE_OPTIONS): profiles the whole process and writes DIR/server-<pid>.cpuprofile when it
// exits (open it in Chrome's DevTools). The inspector answers on the same thread, so this works in
// an 'exit' handler.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import path from 'node:path';

const dir = process.env.BENCH_PROFILE;
if (dir) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 500 });
  session.post('Profiler.start');
  process.on('exit', () => {
    session.post('Profiler.stop', (error, result) => {
      if (!error) writeFileSync(path.join(dir, `server-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}
