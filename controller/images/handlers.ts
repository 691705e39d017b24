// TokenService's image calls: thin handlers over the image store.
import type { TokenServiceHandlers } from '../../common/gen/nephele/v1/TokenService.js';
import { InvalidArgumentError, PermissionDeniedError } from '../../common/errors.js';
import { imageToProto } from '../../common/grpc/convert-tokens.js';
import { pageSize, requireId, requireName } from '../../common/validate.js';
import { pageToken, unaryRpc, type RpcLayer } from '../rpc/handler.js';
import { streamRpc } from '../rpc/stream.js';
import { sendBlob } from './fetch.js';
import { family, rootOf } from './lineage.js';
import { revokeImage, type RevokeDeps } from './revoke.js';
import type { Images } from './store.js';
import type { Uploads } from './upload.js';

export interface ImageHandlerDeps extends RevokeDeps {
  uploads: Uploads;
  /** Uploads land in the data dir: refused while the store space alarm is raised. */
  alarm: () => Error | undefined;
}

type Handlers = Pick<
  TokenServiceHandlers,
  'ListImages' | 'GetImage' | 'UploadImage' | 'DownloadImage' | 'RevokeImage' | 'GetImageLineage'
>;

export function imageHandlers(layer: RpcLayer, d: ImageHandlerDeps): Handlers {
  const images: Images = d.images;
  const one = async (id: string, scope: string | undefined) => {
    const { image, version } = await images.get(requireId('image_id', id), scope);
    return { image: imageToProto(image, version) };
  };
  return {
    ListImages: unaryRpc(layer, 'TokenService.ListImages', async (req, ctx) => {
      const wanted = req.tenant ? requireName('tenant', req.tenant) : undefined;
      if (wanted !== undefined && ctx.scope !== undefined && wanted !== ctx.scope)
        throw new PermissionDeniedError('you may only list the images of your own tenant');
      const page = await images.list(wanted ?? ctx.scope, {
        pageSize: pageSize(req.pageSize),
        after: pageToken.decode(req.pageToken),
        includeRevoked: !!req.includeRevoked,
      });
      return {
        images: page.images.map((i) => imageToProto(i.image, i.version)),
        nextPageToken: pageToken.encode(page.last),
      };
    }),
    GetImage: unaryRpc(layer, 'TokenService.GetImage', (req, ctx) => one(req.imageId, ctx.scope)),
    UploadImage: streamRpc(layer, 'TokenService.UploadImage', async (call, ctx) => {
      const alarm = d.alarm();
      if (alarm) throw alarm;
      const rec = await d.uploads.receive(call, ctx.scope);
      return { image: imageToProto(rec, 1) };
    }),
    DownloadImage: streamRpc(layer, 'TokenService.DownloadImage', async (call, ctx) => {
      const { image } = await images.get(requireId('image_id', call.request?.imageId), ctx.scope);
      await sendBlob(call, images.d.blobs, d.store, image.sha256);
    }),
    RevokeImage: unaryRpc(layer, 'TokenService.RevokeImage', async (req, ctx) => {
      const r = await revokeImage(d, req, ctx.scope);
      return {
        image: imageToProto(r.image, r.version),
        flaggedVmIds: r.flaggedVmIds,
        retiredSetIds: r.retiredSetIds,
      };
    }),
    GetImageLineage: unaryRpc(layer, 'TokenService.GetImageLineage', async (req, ctx) => {
      const { image } = await images.get(requireId('image_id', req.imageId), ctx.scope);
      const root = await rootOf(d.store, image, ctx.scope);
      const nodes = await family(d.store, root, ctx.scope, d.clock.now());
      if (!nodes.length) throw new InvalidArgumentError('image_id', 'has no lineage');
      return {
        rootImageId: root,
        nodes: nodes.map((n) => ({
          image: imageToProto(n.image, n.version),
          depth: n.depth,
          setIds: n.setIds,
          childImageIds: n.childIds,
        })),
      };
    }),
  };
}
