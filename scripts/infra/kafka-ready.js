// Readiness probe for scripts/infra/kafka.sh: node scripts/infra/kafka-ready.js <host:port> [timeoutMs]
//
// "Ready" means what twitchgraph needs, through the client twitchgraph uses (kafkajs): metadata, topic
// creation, a produce, and a consumer-group join with a fetch. The group join makes a fresh broker create
// __consumer_offsets; until it exists kafkajs sees "group coordinator not available", so tests that start
// right after the broker would fail without this wait. Exits 0 when ready, 1 with the last error otherwise.
import { randomUUID } from 'node:crypto';
import kafkajs from 'kafkajs';

const { Kafka, logLevel } = kafkajs;
const [broker, timeoutArg] = process.argv.slice(2);
if (broker === undefined) {
  console.error('usage: kafka-ready.js <host:port> [timeoutMs]');
  process.exit(2);
}
const deadline = Date.now() + Number(timeoutArg ?? 120_000);
const topic = '__twitchgraph_ready';
const kafka = new Kafka({
  clientId: 'twitchgraph-ready',
  brokers: [broker],
  logLevel: logLevel.NOTHING,
  retry: { retries: 0 },
  connectionTimeout: 3_000,
});

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function roundTrip() {
  const admin = kafka.admin();
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  const consumer = kafka.consumer({ groupId: `${topic}-${randomUUID()}`, sessionTimeout: 10_000 });
  try {
    await admin.connect();
    const existing = await admin.listTopics();
    if (!existing.includes(topic)) {
      await admin.createTopics({
        topics: [{ topic, numPartitions: 1, replicationFactor: 1 }],
        waitForLeaders: true,
      });
    }
    await producer.connect();
    const marker = randomUUID();
    await producer.send({ topic, messages: [{ value: marker }] });
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no message consumed within 5 s')), 5_000);
      consumer
        .run({
          eachMessage: async ({ message }) => {
            if (message.value?.toString() === marker) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect().catch(() => {});
    await producer.disconnect().catch(() => {});
    await admin.disconnect().catch(() => {});
  }
}

const started = Date.now();
let lastError;
let attempts = 0;
while (Date.now() < deadline) {
  attempts += 1;
  try {
    await roundTrip();
    console.error(`kafka-ready: ${broker} ready after ${attempts} attempt(s), ${Date.now() - started} ms`);
    process.exit(0);
  } catch (error) {
    lastError = error;
    if (process.env.KAFKA_READY_VERBOSE === '1')
      console.error(`kafka-ready: attempt ${attempts}: ${String(error)}`);
    await sleep(500);
  }
}
console.error(
  `kafka-ready: ${broker} not ready: ${lastError instanceof Error ? lastError.message : String(lastError)}`,
);
process.exit(1);
