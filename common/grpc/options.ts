import type { ServerOptions } from '@grpc/grpc-js';

/** Transport options of the controller's gRPC server (the heartbeat bench's bare server uses them too). */
export const SERVER_OPTIONS: ServerOptions = {
  'grpc.max_receive_message_length': 4 * 1024 * 1024,
  'grpc.max_send_message_length': 16 * 1024 * 1024,
  'grpc.keepalive_time_ms': 120_000,
  'grpc.keepalive_timeout_ms': 20_000,
  'grpc.keepalive_permit_without_calls': 1,
  'grpc.http2.min_ping_interval_without_data_ms': 10_000,
};
