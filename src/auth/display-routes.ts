/**
 * /cc/display-links (admin): make, list and revoke the links wall screens sign in with.
 * The link's address (with its secret) is in the creation's answer only.
 */
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { ApiError, bodyProblems, commonProblems, json, needs, notFound, problemResponse, validationHook, type AppEnv, type AuthUser } from '../api/index.js';
import { Id, isWellFormedText, TEXT_RULE } from '../domain/index.js';
import type { DisplayLinks } from './display-links.js';

const tags = ['sign-in'];

const DisplayLinkSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    queues: z.array(z.string()).nullable().meta({ description: 'the queues its screens see; null: every queue' }),
    created_by: z.string(),
    created_at: z.string(),
  })
  .openapi('DisplayLink');

const NewDisplayLink = z.strictObject({
  name: z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters').refine(isWellFormedText, TEXT_RULE).meta({ description: 'what the screen is ("Sales floor TV")' }),
  queues: z.array(Id).max(200).optional().meta({ description: "queues its screens see (within the creator's own); absent or empty: the creator's (every queue for an unscoped admin)" }),
});

export type LinkAudit = (e: { user: AuthUser; action: 'display_link.create' | 'display_link.revoke'; detail: Record<string, unknown>; status: number; message: string }) => Promise<void>;

export function displayLinkRoutes(links: DisplayLinks, o: { publicUrl: string | null; knownQueues: () => string[]; audit: LinkAudit }) {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

  app.openapi(
    createRoute({
      method: 'get',
      path: '/display-links',
      operationId: 'listDisplayLinks',
      tags,
      ...needs('admin'),
      summary: 'Display links for wall screens (admin); their secrets are never shown again',
      responses: { 200: json(z.object({ links: z.array(DisplayLinkSchema) }), 'the links'), ...commonProblems },
    }),
    (c) => c.json({ links: links.list() }, 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/display-links',
      operationId: 'createDisplayLink',
      tags,
      ...needs('admin'),
      summary: 'A new display link (admin): opening its url signs a screen in as a read-only viewer, through restarts, until the link is revoked',
      request: { body: { required: true, content: { 'application/json': { schema: NewDisplayLink } } } },
      responses: {
        201: json(z.object({ link: DisplayLinkSchema, url: z.string().meta({ description: 'the address to open on the screen; it holds the secret and is shown only now' }) }), 'made'),
        422: problemResponse('a queue that does not exist, or outside your own'),
        ...commonProblems,
        ...bodyProblems,
      },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const user = c.get('user');
      const r = await links.create(body.name, body.queues, user, o.knownQueues());
      if (!r.ok) throw new ApiError(422, r.detail, [{ field: r.field, rule: r.rule }]);
      await o.audit({ user, action: 'display_link.create', detail: { link: r.link.id, name: r.link.name, queues: r.link.queues }, status: 201, message: `display link ${r.link.name} made` });
      const base = o.publicUrl ?? new URL(c.req.url).origin;
      return c.json({ link: r.link, url: `${base}/auth/display/${r.secret}` }, 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/display-links/{link_id}',
      operationId: 'revokeDisplayLink',
      tags,
      ...needs('admin'),
      summary: 'Revokes a display link (admin): its screens are signed out at once',
      request: { params: z.object({ link_id: z.string().min(1).max(100) }) },
      responses: { 204: { description: 'revoked' }, 404: problemResponse('unknown link'), ...commonProblems },
    }),
    async (c) => {
      const { link_id } = c.req.valid('param');
      if (!(await links.revoke(link_id))) throw notFound(`display link "${link_id}" is not known`);
      await o.audit({ user: c.get('user'), action: 'display_link.revoke', detail: { link: link_id }, status: 204, message: `display link ${link_id} revoked; its screens signed out` });
      return c.body(null, 204);
    },
  );
  return app;
}
