/**
 * The `PictureDrawer` the front ends are given: it loads the renderer (canvas, d3-force, fonts) on the first
 * reply that has pictures, so a reply without any, or a front end that shows none, never loads it.
 */
import type { PictureDrawer } from '../reply/reply.js';
import { undrawn } from '../reply/reply.js';

export const drawPicturesOnDemand: PictureDrawer = async (reply) => {
  if (reply.pictures.length === 0) return undrawn(reply);
  const { drawReply } = await import('./draw-pictures.js');
  return drawReply(reply);
};
