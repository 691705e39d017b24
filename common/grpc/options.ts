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

/**
 * Channel options of our clients (CLI, agent). HTTP/2's default 64 KiB receive
 * window makes a streamed image wait for a WINDOW_UPDATE round trip every
 * 32 KiB or so (on a busy host each one costs a scheduling delay on both
 * ends); 8 MiB lets several 1 MiB chunks be in flight. Memory stays bounded:
 * grpc-js pauses reading when the application does not keep up. (Our servers'
 * windows, which grpc-js does not expose: common/grpc/flow.ts.)
 */
export const CLIENT_CHANNEL_OPTIONS = {
  'grpc-node.flow_control_window': 8 * 1024 * 1024,
};
