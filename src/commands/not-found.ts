/** The one reply for a streamer or channel name that matched nothing, with "did you mean" when close. */
import type { GraphQueries } from '../graph/graph-store.port.js';
import type { Reply } from '../reply/reply.js';
import { errorReply } from '../reply/reply.js';
import { emptyGraphNote } from './empty-graph.js';
import { closestNames, didYouMean } from './name-suggester.js';

export async function streamerNotFound(
  graph: Pick<GraphQueries, 'listNames' | 'counts'>,
  title: string,
  name: string,
): Promise<Reply> {
  const empty = await emptyGraphNote(graph);
  const close = empty === undefined ? closestNames(name, await graph.listNames('streamer')) : [];
  const suggestion = didYouMean(close);
  return {
    ...errorReply(title, `No streamer called "${name}".${suggestion === undefined ? '' : ` ${suggestion}`}`, [
      empty ?? 'Names are matched by login or display name; /streamers lists them.',
    ]),
    notFound: true,
    data: { notFound: name, suggestions: close },
  };
}
