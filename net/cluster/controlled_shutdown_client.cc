#include "net/cluster/controlled_shutdown_client.h"

#include <glog/logging.h>

#include <algorithm>
#include <memory>
#include <span>
#include <utility>

#include "net/apis/controller_forward.h"
#include "net/cluster/controller_channel.h"
#include "net/cluster/znodes.h"
#include "net/codec/api_key.h"
#include "net/codec/controlled_shutdown_codec.h"
#include "net/codec/request_header.h"
#include "net/codec/wire_reader.h"
#include "net/codec/wire_writer.h"

namespace ringlog {
namespace {

using SteadyClock = std::chrono::steady_clock;

// v3: flexible, with the broker epoch.
constexpr int16_t kVersion = 3;
constexpr bool kFlexible = kVersion >= kControlledShutdownFirstFlexibleVersion;
// How long one wait for a new snapshot lasts before the state is judged again.
constexpr std::chrono::milliseconds kRecheck(1000);

int64_t MsSince(SteadyClock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(SteadyClock::now() - start).count();
}

std::string Names(const std::vector<PartitionId>& partitions) {
  constexpr size_t kNamed = 10;
  std::string text;
  for (size_t i = 0; i < partitions.size() && i < kNamed; ++i) {
    text += (i > 0 ? ", " : "") + partitions[i].ToString();
  }
  if (partitions.size() > kNamed) text += ", ...";
  return text;
}

// The czxid of this broker's registration in `source`'s session: NotFound when the session
// does not hold one, Busy when ZooKeeper does not answer.
Result<int64_t> RegistrationEpoch(const ZkClientSource& source, int32_t broker_id) {
  std::shared_ptr<ZkClient> zk = source ? source() : nullptr;
  if (zk == nullptr) return Status::NotFound("no ZooKeeper session");
  ZkStat stat;
  const ZkStatus there = zk->Exists(znodes::BrokerPath(broker_id), &stat, false);
  if (there.code == ZkCode::kNoNode || (there.ok() && stat.ephemeral_owner != zk->session_id())) {
    return Status::NotFound("broker " + std::to_string(broker_id) + " is not registered");
  }
  if (!there.ok()) return Status::Busy(there.message);
  return stat.czxid;
}

// One exchange with the controller `snapshot` names.
Result<ControlledShutdownAnswer> Ask(ControllerChannel& channel, const ClusterSnapshot& snapshot,
                                     int32_t broker_id, int64_t broker_epoch,
                                     int32_t correlation_id, std::chrono::milliseconds timeout) {
  const ClusterBroker* controller = snapshot.FindBroker(snapshot.controller_id);
  if (controller == nullptr) return Status::Busy("there is no controller at the moment");
  ASSIGN_OR_RETURN(
      std::string response,
      channel.Exchange(controller->host, controller->port,
                       EncodeControlledShutdownFrame(broker_id, broker_epoch, correlation_id),
                       timeout));
  return DecodeControlledShutdownAnswer(response);
}

}  // namespace

std::vector<PartitionId> MovableLeaderships(const ClusterSnapshot& snapshot, int32_t broker_id) {
  std::vector<PartitionId> movable;
  for (const auto& [name, topic] : snapshot.topics) {
    for (size_t p = 0; p < topic.partitions.size(); ++p) {
      const znodes::PartitionState& state = topic.partitions[p].state;
      if (state.leader != broker_id) continue;
      const bool heir = std::any_of(state.isr.begin(), state.isr.end(), [&](int32_t member) {
        return member != broker_id && snapshot.brokers.contains(member);
      });
      if (heir) movable.push_back(PartitionId{name, static_cast<int32_t>(p)});
    }
  }
  return movable;
}

Status RunControlledShutdown(ClusterView& cluster, const ZkClientSource& zk,
                             const ControlledShutdownOptions& options) {
  const SteadyClock::time_point start = SteadyClock::now();
  const SteadyClock::time_point deadline = start + options.timeout;
  const int32_t id = options.broker_id;
  int64_t broker_epoch = -1;
  if (Result<int64_t> epoch = RegistrationEpoch(zk, id); epoch.ok()) {
    broker_epoch = *epoch;
  } else if (epoch.status().IsNotFound()) {
    return epoch.status();
  }
  ControllerChannel channel;
  int32_t correlation_id = 0;
  bool asked_once = false;
  // The controller epoch of the controller that took the request; -1 until one did.
  int32_t accepted_by = -1;
  SteadyClock::time_point accepted_at;
  while (true) {
    const std::shared_ptr<const ClusterSnapshot> snapshot = cluster.Snapshot();
    const std::vector<PartitionId> movable = MovableLeaderships(*snapshot, id);
    if (movable.empty() && asked_once) {
      LOG(INFO) << "controlled shutdown of broker " << id << ": it leads no partition that "
                << "another in-sync replica could take over, after " << MsSince(start) << " ms";
      return Status::OK();
    }
    const SteadyClock::time_point now = SteadyClock::now();
    const bool given_up = options.give_up && options.give_up();
    if (now >= deadline || given_up) {
      return Status::Busy((given_up ? "given up; " : "") + std::string("still leading ") +
                          std::to_string(movable.size()) + " partition(s) (" + Names(movable) +
                          ") after " + std::to_string(MsSince(start)) + " ms");
    }
    // A new controller knows nothing of the request; one that took it but moved nothing for
    // a while is asked again (its pass may have failed).
    const bool ask = accepted_by == -1 || snapshot->controller_epoch != accepted_by ||
                     now - accepted_at >= options.request_timeout;
    if (ask) {
      asked_once = true;
      LOG(INFO) << "controlled shutdown of broker " << id << ": asking controller "
                << snapshot->controller_id << " to move " << movable.size()
                << " leadership(s) (broker epoch " << broker_epoch << ")";
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now);
      Result<ControlledShutdownAnswer> answer =
          Ask(channel, *snapshot, id, broker_epoch, ++correlation_id,
              std::min(options.request_timeout, left));
      if (answer.ok() && answer->error == ErrorCode::kStaleBrokerEpoch) {
        // Registered again since the epoch was read (a new session): read it again.
        if (Result<int64_t> epoch = RegistrationEpoch(zk, id); epoch.ok()) broker_epoch = *epoch;
      }
      if (answer.ok() && answer->error == ErrorCode::kNone) {
        accepted_by = snapshot->controller_epoch;
        accepted_at = SteadyClock::now();
        LOG(INFO) << "controlled shutdown of broker " << id << ": controller "
                  << snapshot->controller_id << " moved its leaderships; it still leads "
                  << answer->remaining.size() << " partition(s) with no other replica in sync"
                  << (answer->remaining.empty() ? "" : " (" + Names(answer->remaining) + ")");
        continue;
      }
      LOG(INFO) << "controlled shutdown of broker " << id << ": controller "
                << snapshot->controller_id << " did not take the request ("
                << (answer.ok() ? "error " + std::to_string(static_cast<int>(answer->error))
                                : answer.status().ToString())
                << "); " << (movable.empty() ? "nothing to move" : "asking again");
      if (movable.empty()) continue;
      const int32_t seen_epoch = snapshot->controller_epoch;
      cluster.WaitForSnapshot(
          [&](const ClusterSnapshot& next) { return next.controller_epoch != seen_epoch; },
          std::min(options.retry_backoff, left));
      continue;
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now);
    cluster.WaitForSnapshot(
        [&](const ClusterSnapshot& next) {
          return MovableLeaderships(next, id).empty() || next.controller_epoch != accepted_by;
        },
        std::min(kRecheck, left));
  }
}

std::string EncodeControlledShutdownFrame(int32_t broker_id, int64_t broker_epoch,
                                          int32_t correlation_id) {
  ControlledShutdownRequest request;
  request.broker_id = broker_id;
  request.broker_epoch = broker_epoch;
  std::string frame;
  WireWriter writer(&frame);
  EncodeRequestHeader(writer,
                      RequestHeader{static_cast<int16_t>(ApiKey::kControlledShutdown), kVersion,
                                    correlation_id, std::string(kBrokerClientId)},
                      kFlexible);
  EncodeControlledShutdownRequest(writer, request, kVersion);
  return frame;
}

Result<ControlledShutdownAnswer> DecodeControlledShutdownAnswer(std::string_view response_frame) {
  WireReader reader(std::span<const uint8_t>(
      reinterpret_cast<const uint8_t*>(response_frame.data()), response_frame.size()));
  RETURN_IF_ERROR(reader.ReadInt32().status());  // the correlation id, checked by the channel
  if (kFlexible) RETURN_IF_ERROR(reader.SkipTaggedFields());
  ASSIGN_OR_RETURN(ControlledShutdownResponse response,
                   DecodeControlledShutdownResponse(reader, kVersion));
  ControlledShutdownAnswer answer;
  answer.error = static_cast<ErrorCode>(response.error_code);
  for (const auto& led : response.remaining_partitions) {
    answer.remaining.push_back(PartitionId{led.topic_name, led.partition_index});
  }
  return answer;
}

}  // namespace ringlog
