import { z } from 'zod';
import { apiGet, TAGS, type Operation } from './operation';
import { apiSchemas, OpenApiDocument, Problem } from './schemas';

type JsonSchema = Record<string, unknown>;

const COMPONENTS = '#/components/schemas/';

/** A $ref to a response schema; every schema an operation answers with must be named in apiSchemas. */
function ref(schema: z.ZodType) {
  const id = apiSchemas.get(schema)?.id;
  if (!id) throw new Error('An API response schema has no id in apiSchemas');
  return { $ref: `${COMPONENTS}${id}` };
}

function componentSchemas() {
  const { schemas } = z.toJSONSchema(apiSchemas, { uri: (id) => `${COMPONENTS}${id}` });
  // Each is emitted as a standalone document; inside components they are plain schemas.
  return Object.fromEntries(Object.entries(schemas).map(([id, { $schema: _, $id: __, ...schema }]) => [id, schema]));
}

/** Parameters from a zod object, as the client sends them (before defaults are applied). */
function parameters(schema: z.ZodObject | undefined, location: 'path' | 'query') {
  if (!schema) return [];
  const json = z.toJSONSchema(schema, { io: 'input' }) as { properties: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(json.properties).map(([name, { description, ...property }]) => ({
    name,
    in: location,
    required: location === 'path' || Boolean(json.required?.includes(name)),
    ...(description ? { description } : {}),
    schema: property,
  }));
}

const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: ref(Problem) } } });

function operationObject(op: Operation) {
  const { access } = op.route;
  const isPublic = access === 'public';
  return {
    operationId: op.operationId,
    tags: [op.tag],
    summary: op.summary,
    ...(op.description ? { description: op.description } : {}),
    // A public operation takes a token optionally: a coordinator's token also shows drafts.
    security: isPublic ? [{}, { bearer: [] }] : [{ bearer: [] }],
    parameters: [...parameters(op.params, 'path'), ...parameters(op.query, 'query')],
    responses: {
      '200': { description: 'OK', content: { 'application/json': { schema: ref(op.response) } } },
      ...(op.query ? { '400': problem('A query parameter is not valid: `errors` has a message for each one') } : {}),
      '401': problem(isPublic ? 'The API token sent is not valid or has been revoked' : 'No API token was sent, or it is not valid or has been revoked'),
      ...(typeof access === 'object' ? { '403': problem(`The token holder is not a ${access.join(' or ')}`) } : {}),
      ...(op.notFound ? { '404': problem(op.notFound) } : {}),
    },
  };
}

/** The OpenAPI 3.1 document for the given operations. */
export function openApiDocument(operations: Operation[]) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of operations) {
    const path = op.route.path.replace(/:(\w+)/g, '{$1}');
    (paths[path] ??= {})[op.route.method.toLowerCase()] = operationObject(op);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Safeguarding training prospectus API',
      version: '1.0.0',
      description:
        'Read access to the partnership’s training prospectus for integrations. Send a personal API token (created on your account page) as "Authorization: Bearer TOKEN". Times are ISO 8601 in UTC; errors are application/problem+json (RFC 9457).',
    },
    tags: Object.entries(TAGS).map(([name, description]) => ({ name, description })),
    paths,
    components: {
      schemas: componentSchemas(),
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'A personal API token' } },
    },
  };
}

/** GET /api/v1/openapi.json, describing `operations()` (which include this one). */
export function openApiOperation(operations: () => Operation[]): Operation {
  let document: ReturnType<typeof openApiDocument> | undefined;
  return apiGet(
    '/api/v1/openapi.json',
    'public',
    { operationId: 'getOpenApiDocument', tag: 'Documentation', summary: 'This document, OpenAPI 3.1', response: OpenApiDocument },
    async (c) => {
      document ??= openApiDocument(operations());
      return { ...document, servers: [{ url: c.get('deps').config.baseUrl }] };
    },
  );
}
