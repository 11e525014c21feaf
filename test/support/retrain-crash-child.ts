/**
 * A bot-like process for the crash tests, to be SIGKILLed at some moment. Prints what it is doing on
 * stdout, one line at a time, so the test can choose when to kill it.
 *
 *   train-loop <datasetDir> <modelsDir>            trainVersion + publish, over and over ("step <name>")
 *   publish-loop <modelsDir>                       publish copies of the current version, over and over
 *   service <datasetDir> <modelsDir> <storeFile>   a RetrainService running one retrain ("worker <pid>")
 */
import path from 'node:path';
import { ModelRepository } from '../../src/artifacts/repository.ts';
import { FAST_TRAIN, publishCopy } from './retrain-versions.ts';

// Each mode imports what only it needs, so a process that is about to be killed starts quickly.
const say = (line: string) => process.stdout.write(`${line}\n`);

async function trainLoop(datasetDir: string, modelsDir: string): Promise<never> {
  const { trainVersion } = await import('../../src/train/pipeline.ts');
  const repository = new ModelRepository(modelsDir, 2);
  for (;;) {
    const result = await trainVersion({
      datasetDir,
      repository,
      ...FAST_TRAIN,
      onProgress: (p) => say(`step ${p.step}`),
    });
    say(`${result.published ? 'published' : 'rejected'} ${result.version}`);
  }
}

async function publishLoop(modelsDir: string): Promise<never> {
  const repository = new ModelRepository(modelsDir, 2);
  for (let round = 0; ; round++) {
    const version = await publishCopy(repository, (await repository.currentVersion())!);
    if (round === 0) say(`ready ${version}`);
  }
}

async function service(datasetDir: string, modelsDir: string, storeFile: string): Promise<void> {
  const [
    { default: pino },
    { loadArtifacts },
    { ServingModels },
    { RetrainService },
    { createStore },
    { testConfig },
  ] = await Promise.all([
    import('pino'),
    import('../../src/artifacts/loader.ts'),
    import('../../src/serve/serving-models.ts'),
    import('../../src/retrain/service.ts'),
    import('../../src/store/index.ts'),
    import('./retrain-fixtures.ts'),
  ]);
  const repository = new ModelRepository(modelsDir);
  const models = new ServingModels(await loadArtifacts((await repository.currentDir())!));
  const world = { dir: path.dirname(modelsDir), datasetDir, repository };
  const retrain = new RetrainService({
    config: testConfig(world),
    logger: pino({ level: 'silent' }),
    repository,
    models,
    store: createStore({ url: `sqlite://${storeFile}`, namespace: 'flickpick' }),
    trainOptions: { dnmf: { ...FAST_TRAIN.dnmf, epochs: 50, patience: 50 } },
  });
  let told = false;
  await retrain.start('command', () => {
    if (!told && retrain.workerPid !== undefined) {
      told = true;
      say(`worker ${retrain.workerPid}`);
    }
  });
}

const [mode, ...args] = process.argv.slice(2);
if (mode === 'train-loop') await trainLoop(args[0], args[1]);
else if (mode === 'publish-loop') await publishLoop(args[0]);
else if (mode === 'service') await service(args[0], args[1], args[2]);
else throw new Error(`unknown mode ${mode}`);
