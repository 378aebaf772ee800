// CtaStore: calls-to-action kept in SQLite (docket/cta.h).  CTAs cross into
// Python as dicts (python/docket/cta.py makes DataFrames of them).
#include "docket/cta.h"

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "docket/rulebook.h"
#include "docket/table.h"
#include "errors.h"
#include "register.h"
#include "values.h"

namespace docket::python {

namespace py = pybind11;

namespace {

py::object Day(const std::optional<absl::CivilDay>& d) {
  return d.has_value() ? ValueToPython(Value::Date(*d)) : py::object(py::none());
}

py::dict CtaToDict(const Cta& c) {
  py::dict d;
  d["id"] = c.id;
  d["type"] = c.type;
  d["reason"] = c.reason;
  d["name"] = c.name;
  d["key"] = c.key;
  d["owner"] = c.owner;
  d["queue"] = c.queue;
  d["status"] = std::string(CtaStatusName(c.status));
  d["priority"] = c.priority;
  d["created"] = Day(c.created);
  d["due"] = Day(c.due);
  d["closed"] = Day(c.closed);
  d["outcome"] = c.outcome;
  d["snoozed_until"] = Day(c.snoozed_until);
  d["rule"] = c.rule;
  d["list"] = c.list;
  d["action"] = c.action;
  if (!c.change.empty()) d["change"] = c.change;
  return d;
}

std::optional<CtaStatus> StatusFrom(const std::string& s) {
  if (s == "all") return std::nullopt;
  if (s == "open") return CtaStatus::kOpen;
  if (s == "snoozed") return CtaStatus::kSnoozed;
  if (s == "closed") return CtaStatus::kClosed;
  throw StatusError(absl::InvalidArgumentError(
      "status must be 'open', 'snoozed', 'closed' or 'all', not '" + s + "'"));
}

}  // namespace

void RegisterCtas(py::module_& m) {
  py::class_<CtaStore, std::shared_ptr<CtaStore>>(m, "CtaStore",
                                                  "Calls-to-action kept in an SQLite file.")
      .def(py::init([](const std::string& path, bool create) {
             CtaStoreOptions o;
             o.create = create;
             return std::make_shared<CtaStore>(ValueOrThrow(CtaStore::Open(path, o)));
           }),
           py::arg("path"), py::arg("create") = true)
      .def_property_readonly("path", &CtaStore::path)
      .def("latest_sync", [](CtaStore& s) { return Day(ValueOrThrow(s.LatestSync())); })
      .def(
          "sync",
          [](CtaStore& s, const CompiledRulebook& book, const Snapshot& snapshot,
             const py::tuple& as_of, const std::string& by, int threads,
             std::optional<int64_t> max_ctas, const History* history) {
            CtaSyncOptions o;
            o.history = history;
            o.as_of = DayFromTuple(as_of);
            o.by = by;
            o.threads = threads;
            if (max_ctas.has_value()) o.limits.max_ctas_per_sync = *max_ctas;
            absl::StatusOr<CtaSyncReport> r;
            {
              py::gil_scoped_release release;
              r = s.Sync(book, snapshot, o);
            }
            CtaSyncReport rep = ValueOrThrow(std::move(r));
            py::dict d;
            d["as_of"] = Day(rep.as_of);
            d["created"] = rep.created;
            d["updated"] = rep.updated;
            d["closed"] = rep.closed;
            d["unchanged"] = rep.unchanged;
            d["open"] = rep.open;
            py::list ctas;
            for (const Cta& c : rep.ctas) ctas.append(CtaToDict(c));
            d["ctas"] = ctas;
            d["reopened"] = rep.reopened;
            d["moved"] = rep.moved;
            d["skipped_snoozed"] = rep.skipped_snoozed;
            d["skipped_cooldown"] = rep.skipped_cooldown;
            d["notes"] = rep.notes;
            return d;
          },
          py::arg("book"), py::arg("snapshot"), py::arg("as_of"), py::arg("by"),
          py::arg("threads") = 0, py::arg("max_ctas_per_sync") = py::none(),
          py::arg("history") = nullptr)
      .def(
          "list",
          [](CtaStore& s, std::optional<std::string> owner, std::optional<std::string> queue,
             const std::string& status) {
            CtaFilter f;
            f.owner = std::move(owner);
            f.queue = std::move(queue);
            f.status = StatusFrom(status);
            py::list out;
            for (const Cta& c : ValueOrThrow(s.List(f))) out.append(CtaToDict(c));
            return out;
          },
          py::arg("owner") = py::none(), py::arg("queue") = py::none(), py::arg("status") = "open")
      .def(
          "show",
          [](CtaStore& s, int64_t id) {
            CtaDetail detail = ValueOrThrow(s.Show(id));
            py::dict d = CtaToDict(detail.cta);
            py::list resources, tasks, events;
            for (const auto& [title, url] : detail.cta.resources)
              resources.append(py::make_tuple(title, url));
            for (const CtaTask& t : detail.cta.tasks) {
              py::dict td;
              td["text"] = t.text;
              td["done"] = t.done;
              tasks.append(td);
            }
            for (const CtaEvent& e : detail.events) {
              py::dict ed;
              ed["event"] = e.event;
              ed["by"] = e.by;
              ed["as_of"] = Day(e.as_of);
              ed["wall_time"] = e.wall_time;
              ed["from"] = e.from;
              ed["to"] = e.to;
              ed["detail"] = e.detail;
              events.append(ed);
            }
            d["resources"] = resources;
            d["tasks"] = tasks;
            d["events"] = events;
            return d;
          },
          py::arg("id"))
      .def(
          "claim",
          [](CtaStore& s, int64_t id, const std::string& owner, const std::string& by) {
            return CtaToDict(ValueOrThrow(s.Claim(id, owner, CtaActor{by})));
          },
          py::arg("id"), py::arg("owner"), py::arg("by"))
      .def(
          "close",
          [](CtaStore& s, int64_t id, const std::string& outcome, const std::string& by) {
            return CtaToDict(ValueOrThrow(s.Close(id, outcome, CtaActor{by})));
          },
          py::arg("id"), py::arg("outcome"), py::arg("by"))
      .def(
          "snooze",
          [](CtaStore& s, int64_t id, const py::tuple& until, const std::string& reason,
             const std::string& by) {
            return CtaToDict(ValueOrThrow(s.Snooze(id, DayFromTuple(until), reason, CtaActor{by})));
          },
          py::arg("id"), py::arg("until"), py::arg("reason"), py::arg("by"))
      .def(
          "reassign",
          [](CtaStore& s, int64_t id, const std::string& owner, const std::string& by) {
            return CtaToDict(ValueOrThrow(s.Reassign(id, owner, CtaActor{by})));
          },
          py::arg("id"), py::arg("owner"), py::arg("by"));
}

}  // namespace docket::python
