/**
 * A stand-in training process for tests: writes the TrainRequest it received next to the models
 * folder (request.json) and the names of the environment variables it was started with (env.json),
 * so a test can check what crossed the process boundary, then fails.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';

process.once('message', (request: { modelsDir: string }) => {
  const dir = path.dirname(request.modelsDir);
  writeFileSync(path.join(dir, 'request.json'), JSON.stringify(request));
  writeFileSync(path.join(dir, 'env.json'), JSON.stringify(process.env));
  process.send!({ type: 'error', message: 'recording worker: request saved' }, undefined, undefined, () =>
    process.exit(1),
  );
});
