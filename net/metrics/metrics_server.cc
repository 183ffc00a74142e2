#include "net/metrics/metrics_server.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstring>

#include "net/metrics/prometheus_text.h"

namespace ringlog {
namespace {

MHD_Result Respond(MHD_Connection* connection, const MetricsServer::Answer& answer) {
  MHD_Response* response = MHD_create_response_from_buffer(
      answer.body.size(), const_cast<char*>(answer.body.data()), MHD_RESPMEM_MUST_COPY);
  if (response == nullptr) return MHD_NO;
  MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE, answer.content_type.c_str());
  const MHD_Result queued = MHD_queue_response(connection, answer.status, response);
  MHD_destroy_response(response);
  return queued;
}

MHD_Result OnRequest(void* cls, MHD_Connection* connection, const char* url, const char* method,
                     const char* /*version*/, const char* /*upload_data*/, size_t* upload_data_size,
                     void** /*req_cls*/) {
  // A body (which a scrape never has) is read and ignored before the answer.
  if (*upload_data_size != 0) {
    *upload_data_size = 0;
    return MHD_YES;
  }
  const auto* server = static_cast<const MetricsServer*>(cls);
  return Respond(connection, server->Serve(method, url));
}

Result<sockaddr_in> Resolve(const std::string& host, uint16_t port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  if (host.empty() || host == "0.0.0.0") {
    address.sin_addr.s_addr = htonl(INADDR_ANY);
    return address;
  }
  if (inet_pton(AF_INET, host.c_str(), &address.sin_addr) == 1) return address;
  addrinfo hints{};
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const int err = getaddrinfo(host.c_str(), nullptr, &hints, &found);
  if (err != 0 || found == nullptr) {
    return Status::InvalidArgument("metrics address " + host + ": " + gai_strerror(err));
  }
  address.sin_addr = reinterpret_cast<const sockaddr_in*>(found->ai_addr)->sin_addr;
  freeaddrinfo(found);
  return address;
}

}  // namespace

MetricsServer::MetricsServer(Render render) : render_(std::move(render)) {}

MetricsServer::~MetricsServer() { Stop(); }

Status MetricsServer::Start(const std::string& host, uint16_t port) {
  ASSIGN_OR_RETURN(sockaddr_in address, Resolve(host, port));
  // One internal thread: scrapes are rare and must not compete with the event loops.
  daemon_ = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG, port, nullptr,
                             nullptr, &OnRequest, this, MHD_OPTION_SOCK_ADDR, &address,
                             MHD_OPTION_CONNECTION_TIMEOUT, 30u, MHD_OPTION_END);
  if (daemon_ == nullptr) {
    return Status::IOError("cannot serve metrics on " + host + ":" + std::to_string(port) +
                           " (address in use or not local?)");
  }
  const MHD_DaemonInfo* info = MHD_get_daemon_info(daemon_, MHD_DAEMON_INFO_BIND_PORT);
  bound_port_ = info != nullptr ? info->port : port;
  return Status::OK();
}

void MetricsServer::Stop() {
  if (daemon_ == nullptr) return;
  MHD_stop_daemon(daemon_);
  daemon_ = nullptr;
}

MetricsServer::Answer MetricsServer::Serve(const std::string& method,
                                           const std::string& path) const {
  if (path != "/metrics") return Answer{MHD_HTTP_NOT_FOUND, "text/plain", "not found\n"};
  if (method != "GET" && method != "HEAD") {
    return Answer{MHD_HTTP_METHOD_NOT_ALLOWED, "text/plain", "method not allowed\n"};
  }
  return Answer{MHD_HTTP_OK, PrometheusText::kContentType, render_()};
}

}  // namespace ringlog
