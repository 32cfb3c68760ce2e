/** What every renderer returns: an encoded picture and its size in pixels. */
export interface RenderedImage {
  png: Buffer;
  width: number;
  height: number;
}
