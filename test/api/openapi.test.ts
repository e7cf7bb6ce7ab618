import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenDatabase } from '../../db/database';
import { apiOperations, apiRoutes } from '../../server/api/routes';
import { OpenApiDocument } from '../../server/api/schemas';
import { TAGS } from '../../server/api/operation';
import { createTestDatabase } from '../support/database';
import { buildApp, seed } from '../support/app';
import { callApi, expectBody } from './support';

interface OperationObject {
  operationId: string;
  tags: string[];
  security: Record<string, string[]>[];
  parameters: { name: string; in: string; required: boolean; schema: object }[];
  requestBody?: { required: boolean; content: Record<string, { schema: { properties: Record<string, object>; additionalProperties: boolean } }> };
  responses: Record<string, { content: Record<string, { schema: { $ref: string } }> }>;
}
interface Document {
  openapi: string;
  servers: { url: string }[];
  tags: { name: string }[];
  paths: Record<string, Record<string, OperationObject>>;
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, { type: string; scheme: string }> };
}

let database: OpenDatabase;
let doc: Document;

beforeAll(async () => {
  database = await createTestDatabase();
  await seed(database.db, 'partnership');
  const built = buildApp(database.db);
  doc = (await expectBody(await callApi(built, '/api/v1/openapi.json'), OpenApiDocument)) as unknown as Document;
});
afterAll(() => database.close());

const openApiPath = (path: string) => path.replace(/:(\w+)/g, '{$1}');
const operations = () => Object.entries(doc.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ path, method, op })));

describe('the OpenAPI document', () => {
  it('is OpenAPI 3.1 with a bearer security scheme, tags and this server', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.servers).toEqual([{ url: 'http://localhost:8787' }]);
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.tags.map((t) => t.name)).toEqual(Object.keys(TAGS));
  });

  it('describes every API route, and no route that does not exist', () => {
    const routes = apiRoutes.map((r) => `${r.method.toLowerCase()} ${openApiPath(r.path)}`).sort();
    expect(operations().map(({ path, method }) => `${method} ${path}`).sort()).toEqual(routes);
    expect(apiRoutes.every((r) => r.path.startsWith('/api/v1/'))).toBe(true);
  });

  it('states each route’s access: security, 401 and 403 (for its roles, or a refusal the operation names)', () => {
    for (const { route, forbidden } of apiOperations) {
      const op = doc.paths[openApiPath(route.path)][route.method.toLowerCase()];
      const label = `${route.method} ${route.path}`;
      expect(op.security, label).toEqual(route.access === 'public' ? [{}, { bearer: [] }] : [{ bearer: [] }]);
      expect(op.responses, label).toHaveProperty('401');
      expect(Boolean(op.responses['403']), label).toBe(typeof route.access === 'object' || Boolean(forbidden));
    }
  });

  it('names every path parameter, answers a 404 for it, and gives a query or a body its 400', () => {
    for (const { path, op } of operations()) {
      const inPath = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      expect(op.parameters.filter((p) => p.in === 'path').map((p) => p.name), path).toEqual(inPath);
      if (inPath.length) expect(op.responses, path).toHaveProperty('404');
      expect(Boolean(op.responses['400']), path).toBe(op.parameters.some((p) => p.in === 'query') || Boolean(op.requestBody));
    }
  });

  it('gives each operation a unique id, a declared tag, a JSON success and problem+json errors', () => {
    const ids = operations().map(({ op }) => op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { path, op } of operations()) {
      expect(Object.keys(TAGS), path).toEqual(expect.arrayContaining(op.tags));
      for (const [status, response] of Object.entries(op.responses)) {
        expect(Object.keys(response.content), `${path} ${status}`).toEqual([status.startsWith('2') ? 'application/json' : 'application/problem+json']);
      }
      expect(Object.keys(op.responses).filter((status) => status.startsWith('2')), path).toHaveLength(1);
    }
  });

  it('describes each JSON request body, which takes no fields beyond those named', () => {
    const writes = operations().filter(({ method }) => method === 'post' || method === 'patch');
    expect(writes.length).toBeGreaterThan(0);
    for (const { path, method, op } of writes) {
      const { schema } = op.requestBody!.content['application/json'];
      expect(Object.keys(schema.properties).length, `${method} ${path}`).toBeGreaterThan(0);
      expect(schema.additionalProperties, `${method} ${path}`).toBe(false);
    }
    const book = doc.paths['/api/v1/sessions/{sessionId}/bookings'].post;
    expect(Object.keys(book.responses)).toEqual(['201', '400', '401', '403', '404', '409']);
    expect(book.requestBody?.required).toBe(false);
    expect(doc.paths['/api/v1/sessions/{sessionId}/cancel'].post.requestBody?.required).toBe(true);
  });

  it('resolves every $ref to a component schema', () => {
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"([^"]+)"/g)].map((m) => m[1]);
    expect(refs.length).toBeGreaterThan(20);
    for (const ref of refs) {
      expect(ref).toMatch(/^#\/components\/schemas\//);
      expect(doc.components.schemas, ref).toHaveProperty([ref.split('/').pop()!]);
    }
    expect(JSON.stringify(doc.components.schemas)).not.toMatch(/"\$(schema|id)"/);
  });
});
