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

/** What the client sends (before defaults are applied), as a schema inside the document. */
function inputSchema(schema: z.ZodObject) {
  const { $schema: _, ...json } = z.toJSONSchema(schema, { io: 'input' });
  return json as JsonSchema & { properties: Record<string, JsonSchema>; required?: string[] };
}

/** Parameters from a zod object, as the client sends them. */
function parameters(schema: z.ZodObject | undefined, location: 'path' | 'query') {
  if (!schema) return [];
  const json = inputSchema(schema);
  return Object.entries(json.properties).map(([name, { description, ...property }]) => ({
    name,
    in: location,
    required: location === 'path' || Boolean(json.required?.includes(name)),
    ...(description ? { description } : {}),
    schema: property,
  }));
}

/** A JSON request body; required when it has a required field (an empty body is an empty object). */
function requestBody(schema: z.ZodObject | undefined) {
  if (!schema) return {};
  const json = inputSchema(schema);
  return { requestBody: { required: Boolean(json.required?.length), content: { 'application/json': { schema: json } } } };
}

const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: ref(Problem) } } });
const optionalProblem = (status: number, description: string | undefined) => (description ? { [status]: problem(description) } : {});

function operationObject(op: Operation) {
  const { access } = op.route;
  const isPublic = access === 'public';
  const invalidInput = [op.query && 'A query parameter', op.body && 'A body field'].filter(Boolean).join(' or ');
  const refused = [typeof access === 'object' && `the token holder is not a ${access.join(' or ')}`, op.forbidden].filter(Boolean).join('; or ');
  return {
    operationId: op.operationId,
    tags: [op.tag],
    summary: op.summary,
    ...(op.description ? { description: op.description } : {}),
    // A public operation takes a token optionally: a coordinator's token also shows drafts.
    security: isPublic ? [{}, { bearer: [] }] : [{ bearer: [] }],
    parameters: [...parameters(op.params, 'path'), ...parameters(op.query, 'query')],
    ...requestBody(op.body),
    responses: {
      [op.status]: { description: op.status === 201 ? 'Created' : 'OK', content: { 'application/json': { schema: ref(op.response) } } },
      ...optionalProblem(400, invalidInput && `${invalidInput} is not valid: \`errors\` has a message for each one`),
      '401': problem(isPublic ? 'The API token sent is not valid or has been revoked' : 'No API token was sent, or it is not valid or has been revoked'),
      ...optionalProblem(403, refused && refused[0].toUpperCase() + refused.slice(1)),
      ...optionalProblem(404, op.notFound),
      ...optionalProblem(409, op.conflict),
      ...optionalProblem(422, op.unprocessable && `${op.unprocessable}: \`errors\` says which field`),
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
        'The partnership’s training prospectus and bookings, for integrations. Send a personal API token (created on your account page) as "Authorization: Bearer TOKEN". Times are ISO 8601 in UTC; errors are application/problem+json (RFC 9457).',
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
