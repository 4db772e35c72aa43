import { Type } from 'class-transformer';
import { Redis } from 'ioredis';
import {
  Encrypted,
  EncryptedRedisService,
  RedisEntity,
  describeEntity,
  readEntitySchemas,
} from '../../lib/index.js';
import { parseDescriptor } from '../../lib/operations/schema-descriptor.js';
import { CaptureLogger } from '../support/capture-logger.js';
import { startFixtureApp } from '../support/fixture-app.js';
import { REDIS_URL, cleanPrefix, testClient, testPrefix } from '../support/redis.js';

class TreeNode {
  @Encrypted() secret!: string;
  @Type(() => TreeNode) children!: TreeNode[];
}

@RedisEntity('rot-trees', { storage: 'json' })
class Tree {
  id!: string;
  @Encrypted({ padding: 16 }) @Type(() => Date) planted!: Date;
  @Type(() => TreeNode) root!: TreeNode;
}

describe('the schema registry', () => {
  it('describes a class that nests itself with a recursive entry instead of endless paths', () => {
    expect(describeEntity(Tree)).toEqual({
      format: 1,
      keyspace: 'rot-trees',
      entity: 'Tree',
      storage: 'json',
      idProperty: 'id',
      indexes: [],
      sealed: [
        { path: 'planted', segments: ['planted'], kind: 'sealed', type: 'date', padding: 16 },
        { path: 'root.secret', segments: ['root', 'secret'], kind: 'sealed', type: 'string' },
        { path: 'root.children[*]', segments: ['root', 'children', null], kind: 'recursive' },
      ],
    });
  });

  it('reads back what it publishes and skips descriptors of another format', () => {
    const descriptor = describeEntity(Tree);
    expect(parseDescriptor(JSON.stringify(descriptor))).toEqual(descriptor);
    expect(parseDescriptor(JSON.stringify({ ...descriptor, format: 2 }))).toBeUndefined();
    expect(parseDescriptor('not json')).toBeUndefined();
  });

  it('is published when the application starts', async () => {
    const app = await startFixtureApp([Tree]);
    await app.module.get(EncryptedRedisService).schemasPublished();
    const schemas = await readEntitySchemas(app.raw, app.prefix);
    expect(schemas.get('rot-trees')).toEqual(describeEntity(Tree));
    await app.close();
  });

  it('logs a failed publication at warn and still starts', async () => {
    const client = new Redis(REDIS_URL);
    client.hset = () => Promise.reject(new Error('READONLY replica'));
    const logger = new CaptureLogger();
    const prefix = testPrefix();
    const app = await startFixtureApp([Tree], { connection: client, keyPrefix: prefix }, logger);
    await app.module.get(EncryptedRedisService).schemasPublished();
    const tree = Object.assign(new Tree(), {
      id: 't1',
      planted: new Date(0),
      root: { secret: 's', children: [] },
    });
    await app.repository(Tree).save(tree);
    expect(logger.lines.find((line) => line.startsWith('warn'))).toContain(
      'Could not publish the schema of Tree',
    );
    await app.stop();
    const raw = testClient();
    await cleanPrefix(raw, prefix);
    await raw.quit();
    await client.quit();
  });
});
