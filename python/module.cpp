// plateau._plateau: the C++ engine for the Python package (python/plateau/). The Python side spells the
// Keras API and turns layers, optimizers and callbacks into the same JSON specs the CLI takes; this
// module builds and trains through the one setup path (training/setup.h), as `plateau train` does, so
// the same seed gives the same bytes. The GIL is released while C++ computes and taken only around a
// Python callback's hook and the Ctrl-C check after each batch. plateau::Error becomes ValueError.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <memory>
#include <optional>
#include <string>

#include "plateau/callbacks/callback_spec.h"
#include "plateau/callbacks/progress_bar.h"
#include "plateau/callbacks/schedule_callback.h"
#include "plateau/core/error.h"
#include "plateau/core/threads.h"
#include "plateau/layers/dtype_policy.h"
#include "plateau/layers/model_spec.h"
#include "plateau/layers/summary.h"
#include "plateau/layers/weights.h"
#include "plateau/optim/optimizer_spec.h"
#include "plateau/schedulers/schedule_spec.h"
#include "plateau/training/checkpoint_dir.h"
#include "plateau/training/setup.h"

namespace py = pybind11;

namespace plateau::python {
namespace {

nlohmann::json parse(const std::string& text, const char* what) {
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw Error(cat(what, " is not JSON: ", e.what()));
  }
}

// Images (N,H,W) or (N,H,W,1) as Keras takes them: any real dtype, converted to float32 as it is (uint8
// is not scaled); labels all 0.
ImageDataset to_images(const py::handle& x) {
  const auto images = py::array_t<float, py::array::c_style | py::array::forcecast>::ensure(x);
  PLATEAU_CHECK(images, "x must be an array of numbers");
  PLATEAU_CHECK(images.ndim() == 3 || (images.ndim() == 4 && images.shape(3) == 1),
                "x must have shape (N, H, W) or (N, H, W, 1), got ", images.ndim(), " dimensions");
  const int64_t n = images.shape(0), h = images.shape(1), w = images.shape(2);
  PLATEAU_CHECK(n > 0 && h > 0 && w > 0, "x has shape (", n, ", ", h, ", ", w, "): no images");
  ImageDataset d{n, h, w, {}, std::vector<uint8_t>(static_cast<size_t>(n)), {}};
  d.values.assign(images.data(), images.data() + n * h * w);
  return d;
}

// to_images(x) with class labels y (N) of an integer or integral float dtype in [0, 255].
ImageDataset to_dataset(const py::handle& x, const py::handle& y) {
  ImageDataset d = to_images(x);
  const int64_t n = d.count;
  const auto labels = py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(y);
  PLATEAU_CHECK(labels && labels.ndim() == 1 && labels.shape(0) == n, "y must be ", n,
                " class labels (shape (", n, ",)) for x's ", n, " images");
  for (int64_t i = 0; i < n; ++i) {
    const double v = labels.data()[i];
    PLATEAU_CHECK(v >= 0 && v <= 255 && v == static_cast<double>(static_cast<int>(v)), "y[", i, "] = ", v,
                  " is not a class label (an integer in [0, 255])");
    d.labels[static_cast<size_t>(i)] = static_cast<uint8_t>(v);
  }
  return d;
}

// A Keras callback written in Python (plateau.keras.callbacks.Callback): its hooks, called with the GIL,
// with Keras' arguments (epoch or batch, logs dict).
class PythonCallback : public Callback {
 public:
  explicit PythonCallback(py::object callback) : callback_(std::move(callback)) {}
  std::string name() const override {
    py::gil_scoped_acquire gil;
    return py::str(callback_.attr("__class__").attr("__name__"));
  }
  void on_train_begin(TrainingState& s) override { call("on_train_begin", s, nullptr); }
  void on_train_end(TrainingState& s) override { call("on_train_end", s, nullptr); }
  void on_epoch_begin(TrainingState& s) override { call("on_epoch_begin", s, &s.epoch); }
  void on_epoch_end(TrainingState& s) override { call("on_epoch_end", s, &s.epoch); }
  void on_batch_begin(TrainingState& s) override { call("on_train_batch_begin", s, &s.batch); }
  void on_batch_end(TrainingState& s) override { call("on_train_batch_end", s, &s.batch); }

 private:
  void call(const char* hook, TrainingState& s, const int64_t* index) {
    py::gil_scoped_acquire gil;
    py::dict logs;
    for (const auto& [key, value] : s.logs) logs[py::str(key)] = value;
    if (index) {
      callback_.attr(hook)(*index, logs);
    } else {
      callback_.attr(hook)(logs);
    }
  }
  py::object callback_;
};

// A compiled model and its last fit's state, for plateau.keras.Sequential.
class PyModel {
 public:
  PyModel(const std::string& spec, const std::vector<int64_t>& input_shape, uint64_t seed)
      : model_(build_compiled_model({.spec = normalize_model_spec(parse(spec, "the model spec"), "the model spec"),
                                     .input_shape = Shape(input_shape),
                                     .seed = seed})) {}

  // Keras' compile(): the built model (and any weights loaded into it) gets the optimizer and the loss.
  void compile(const std::string& optimizer, const std::string& loss) {
    const nlohmann::json spec = normalize_optimizer_spec(parse(optimizer, "the optimizer"));
    model_->compile(make_optimizer(spec, model_->net().parameters()), Loss(loss));
  }

  // Keras' fit(); returns History.history as {key: [value per epoch]}.
  py::dict fit(const py::object& x, const py::object& y, int64_t batch_size, int64_t epochs, int verbose,
               const py::list& callbacks, double validation_split, bool shuffle, int64_t initial_epoch,
               int64_t validation_freq, uint64_t seed, const std::string& schedule_spec, const std::string& backup_dir) {
    const ImageDataset train = to_dataset(x, y);
    // keras.callbacks.BackupAndRestore(backup_dir): resume from its newest checkpoint, save after every
    // epoch and on Ctrl-C (training/checkpoint_dir.h).
    std::optional<CheckpointDir> backup;
    if (!backup_dir.empty()) backup.emplace(backup_dir);
    const nlohmann::json schedule = parse(schedule_spec, "the schedule");
    CallbackList list;
    for (const py::handle& c : callbacks) {
      if (py::isinstance<py::str>(c)) {  // a built-in Keras callback, as its JSON spec
        list.add(make_callback(parse(c.cast<std::string>(), "a callback spec"), "."));
      } else {
        list.add(std::make_unique<PythonCallback>(py::reinterpret_borrow<py::object>(c)));
      }
    }
    if (!schedule.is_null()) list.add(std::make_unique<callbacks::ScheduleCallback>(schedule));
    list.add_tail(std::make_unique<callbacks::ProgressBar>(verbose, false));
    bool interrupted = false;
    const FitOptions options{.batch_size = batch_size,
                             .epochs = epochs,
                             .validation_split = validation_split,
                             .validation_freq = validation_freq,
                             .shuffle = shuffle,
                             .initial_epoch = initial_epoch,
                             .seed = seed,
                             .print = [verbose](const std::string& line) {
                               if (verbose > 0) std::printf("%s\n", line.c_str());
                             },
                             .checkpoints = backup ? &*backup : nullptr,
                             .interrupt = [&interrupted] {  // Ctrl-C: stop at the next batch
                               py::gil_scoped_acquire gil;
                               interrupted = PyErr_CheckSignals() != 0;
                               return interrupted;
                             }};
    callbacks::History history;
    {
      py::gil_scoped_release release;
      history = model_->fit(train, options, list);
      std::fflush(stdout);
    }
    if (interrupted) throw py::error_already_set();  // KeyboardInterrupt, raised by the signal check
    py::dict out;
    for (const auto& [key, values] : history.history) out[py::str(key)] = values;
    return out;
  }

  py::dict evaluate(const py::object& x, const py::object& y, int64_t batch_size) {
    const ImageDataset data = to_dataset(x, y);
    Logs logs;
    {
      py::gil_scoped_release release;
      logs = model_->evaluate(data, batch_size);
    }
    py::dict out;
    for (const auto& [key, value] : logs) out[py::str(key)] = value;
    return out;
  }

  py::array_t<float> predict(const py::object& x, int64_t batch_size) {
    const ImageDataset data = to_images(x);
    Tensor probs;
    {
      py::gil_scoped_release release;
      probs = model_->predict(data, batch_size);
    }
    py::array_t<float> out({probs.dim(0), probs.dim(1)});
    std::copy(probs.data(), probs.data() + probs.numel(), out.mutable_data());
    return out;
  }

  std::string summary() const { return plateau::summary(model_->net()); }
  void save_weights(const std::string& path) const { plateau::save_weights(model_->net(), path); }
  void load_weights(const std::string& path) { plateau::load_weights(model_->net(), path); }

  // During fit (from a callback) the run's lr and stop flag; between fits the optimizer's lr.
  double learning_rate() { return model_->optimizer().param_groups()[0].lr; }
  void set_learning_rate(double lr) {
    TrainingState& s = model_->state();
    if (s.optimizer) {  // in or after a fit: recorded in the LR log as any change
      s.set_lr(lr, "a Python callback", "set from Python");
    } else {
      for (ParamGroup& g : model_->optimizer().param_groups()) g.lr = lr;
    }
  }
  bool stop_training() { return model_->state().stop_training; }
  void set_stop_training(bool stop) { model_->state().stop_training = stop; }

 private:
  std::unique_ptr<Model> model_;
};

// The lr of every step of a schedule spec, from `initial_lr`.
py::array_t<double> schedule_preview(const std::string& spec, int64_t steps, double initial_lr) {
  PLATEAU_CHECK(steps >= 1 && steps <= 10'000'000, "steps must be in [1, 10000000], got ", steps);
  std::unique_ptr<LRSchedule> schedule = make_schedule(parse(spec, "the schedule"));
  py::array_t<double> out(steps);
  for (int64_t t = 0; t < steps; ++t) out.mutable_data()[t] = schedule->lr_at(t, initial_lr);
  return out;
}

}  // namespace
}  // namespace plateau::python

PYBIND11_MODULE(_plateau, m) {
  using namespace plateau::python;
  m.doc() = "plateau's C++ engine; use the plateau package (plateau.keras, plateau.optim)";
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const plateau::Error& e) {
      PyErr_SetString(PyExc_ValueError, e.what());
    }
  });
  py::class_<PyModel>(m, "Model")
      .def(py::init<const std::string&, const std::vector<int64_t>&, uint64_t>())
      .def("compile", &PyModel::compile)
      .def("fit", &PyModel::fit)
      .def("evaluate", &PyModel::evaluate)
      .def("predict", &PyModel::predict)
      .def("summary", &PyModel::summary)
      .def("save_weights", &PyModel::save_weights)
      .def("load_weights", &PyModel::load_weights)
      .def_property("learning_rate", &PyModel::learning_rate, &PyModel::set_learning_rate)
      .def_property("stop_training", &PyModel::stop_training, &PyModel::set_stop_training);
  m.def("schedule_preview", &schedule_preview);
  m.def("load_fashion_mnist", [](const std::string& split) {
    const plateau::ImageDataset d = plateau::load_data({.split = split});
    py::array_t<uint8_t> x({d.count, d.height, d.width});
    std::copy(d.pixels.begin(), d.pixels.end(), x.mutable_data());
    py::array_t<uint8_t> y(d.count);
    std::copy(d.labels.begin(), d.labels.end(), y.mutable_data());
    return py::make_tuple(x, y);
  });
  m.def("set_num_threads", &plateau::set_num_threads);
  m.def("num_threads", &plateau::num_threads);
  m.def("dtype_policies", &plateau::dtype_policies);
}
