/**
 * From a reply's pictures (data, `src/reply/picture.ts`) to PNGs. Only the front ends that show pixels call
 * this (Discord, the playground, `ask --out`); commands never draw. A picture that fails to draw costs the
 * reply its picture, not its answer.
 */
import type { Picture } from '../reply/picture.js';
import type { DrawnReply, Reply, ReplyImage, ReplyImageKind } from '../reply/reply.js';
import { renderBarChart } from './bar-chart.js';
import { renderCommunityMap } from './community-map.js';
import { renderGraphImage } from './graph-image.js';
import type { RenderedImage } from './rendered-image.js';
import { renderTableImage } from './table-image.js';
import type { ThemeName } from './theme.js';

/** What each picture is to the front ends (see `ReplyImage.kind`): a community map is a graph. */
const KIND_OF_PICTURE = {
  graph: 'graph',
  chart: 'chart',
  table: 'table',
  communityMap: 'graph',
} as const satisfies Record<Picture['kind'], ReplyImageKind>;

export interface DrawOptions {
  /** Discord's dark theme by default. */
  theme?: ThemeName;
}

async function render(picture: Picture, theme: ThemeName | undefined): Promise<RenderedImage> {
  const themed = theme === undefined ? {} : { theme };
  switch (picture.kind) {
    case 'graph':
      return renderGraphImage(picture.input, { ...picture.layout, ...themed });
    case 'chart':
      return renderBarChart(picture.input, { ...picture.layout, ...themed });
    case 'table':
      return renderTableImage(picture.input, { ...picture.layout, ...themed });
    case 'communityMap':
      return renderCommunityMap(picture.input, { ...picture.layout, ...themed });
  }
}

/**
 * Draw each picture in turn (one at a time: rendering is CPU work and the bot shares two cores). A picture
 * that throws adds a note instead of an image.
 */
export async function drawPictures(
  pictures: readonly Picture[],
  options: DrawOptions = {},
): Promise<{ images: ReplyImage[]; notes: string[] }> {
  const images: ReplyImage[] = [];
  const notes: string[] = [];
  for (const picture of pictures) {
    try {
      const image = await render(picture, options.theme);
      images.push({
        name: picture.name,
        kind: KIND_OF_PICTURE[picture.kind],
        description: picture.description,
        png: image.png,
        width: image.width,
        height: image.height,
      });
    } catch (error) {
      notes.push(
        `The picture ${picture.name} could not be drawn (${error instanceof Error ? error.message : String(error)}).`,
      );
    }
  }
  return { images, notes };
}

/** The reply with its pictures drawn; notes of pictures that failed come after the reply's own. */
export async function drawReply(reply: Reply, options: DrawOptions = {}): Promise<DrawnReply> {
  const { images, notes } = await drawPictures(reply.pictures, options);
  return { ...reply, notes: [...reply.notes, ...notes], images };
}
