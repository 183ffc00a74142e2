// KafkaConnection: one blocking TCP connection from the load generator to a broker,
// speaking Kafka's size-prefixed frames with pipelining.
//
// Requests are sent as whole pre-encoded frames (bench/harness/loadgen/request_frame.h);
// the connection stamps each with the next correlation id and remembers the ids of the
// requests that expect a response. Kafka answers a connection's requests in order, so
// Receive() checks the oldest outstanding id against each response. How many requests
// are kept in flight is the caller's choice: send while in_flight() is below the limit,
// receive otherwise.
//
// Thread-compatible: one thread uses a connection at a time.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "engine/status.h"
#include "net/server/unique_fd.h"

namespace ringlog::bench {

class KafkaConnection {
 public:
  // Connects to host:port (an IPv4 address or name) with TCP_NODELAY set.
  static Result<std::unique_ptr<KafkaConnection>> Connect(const std::string& host, int port);

  KafkaConnection(const KafkaConnection&) = delete;
  KafkaConnection& operator=(const KafkaConnection&) = delete;

  // Stamps `frame` (a whole request frame, size prefix included) with the next
  // correlation id, then writes it entirely. When `expects_response` (every request but
  // an acks=0 Produce), the id joins the in-flight queue. IOError when the peer is gone.
  Status Send(std::span<uint8_t> frame, bool expects_response = true);

  // Reads the response to the oldest in-flight request into `body` (the bytes after the
  // correlation id; the buffer is reused across calls). IOError when the connection
  // fails or closes, Corruption when the correlation id is not the expected one,
  // InvalidArgument when nothing is in flight.
  Status Receive(std::vector<uint8_t>* body);

  // Sends `frame` and waits for its response, with nothing else in flight.
  Status Call(std::span<uint8_t> frame, std::vector<uint8_t>* body);

  size_t in_flight() const { return in_flight_.size(); }
  // Whether response bytes were already received: then Receive() makes progress even
  // when the socket has nothing new to read (so do not wait on the fd first).
  bool has_buffered_input() const { return input_pos_ < input_end_; }
  int fd() const { return fd_.get(); }

 private:
  explicit KafkaConnection(UniqueFd fd) : fd_(std::move(fd)) {}

  // Fills `data` from the bytes already received, then from the socket.
  Status ReadFully(uint8_t* data, size_t size);
  // Receives whatever the socket has (at least one byte) into the empty input buffer.
  Status FillInput();

  UniqueFd fd_;
  // Bytes received but not consumed yet: [input_pos_, input_end_) of input_. Reading
  // ahead lets one recv() carry several small pipelined responses.
  std::vector<uint8_t> input_;
  size_t input_pos_ = 0;
  size_t input_end_ = 0;
  int32_t next_correlation_id_ = 1;
  std::deque<int32_t> in_flight_;
};

}  // namespace ringlog::bench
