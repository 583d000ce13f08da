// Training checkpoints, as `plateau train --resume` reads them. The harness first writes a valid CRC
// into the input (seal_checkpoint), so that the parser behind the checksum is reached; then it resumes
// the run the checkpoint describes, as fit() does: the config builds the model, optimizer, callbacks
// and schedule; the cursor is checked against the run; weights, optimizer state, random streams and
// every callback's state are restored, and the remaining epochs train on a few synthetic images.
// Any bytes give a finished run or a plateau::Error.
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>

#include "apps/training_run.h"
#include "plateau/core/error.h"
#include "plateau/core/io/atomic_file.h"
#include "plateau/core/random.h"
#include "plateau/training/checkpoint_dir.h"

namespace {

namespace fs = std::filesystem;
using namespace plateau;

const fs::path& scratch() {
  static const fs::path dir = fs::temp_directory_path() / ("plateau_fuzz_checkpoint_" + std::to_string(getpid()));
  return dir;
}

ImageDataset images(int64_t count) {
  ImageDataset d{count, 28, 28, std::vector<uint8_t>(static_cast<size_t>(count) * 784), std::vector<uint8_t>(count)};
  Rng rng(1);
  for (auto& p : d.pixels) p = static_cast<uint8_t>(rng.below(256));
  for (auto& l : d.labels) l = static_cast<uint8_t>(rng.below(10));
  return d;
}

void resume(std::string bytes) {
  if (!seal_checkpoint(bytes)) return;
  const TrainingCheckpoint forged = decode_checkpoint(bytes, "fuzz.safetensors");
  apps::Options o;
  o.apply_json(forged.config, "checkpoint config");
  // Kept small so that one input trains in milliseconds: at most 4 epochs, batches of at least 16.
  o.epochs = std::min<int64_t>(o.epochs, 4);
  o.batch_size = std::max<int64_t>(o.batch_size, 16);
  static const ImageDataset data = images(96);
  auto model = apps::model_for(o);

  fs::remove_all(scratch());
  const fs::path run_dir = scratch() / "run";
  io::write_file_atomically((run_dir / "checkpoints" / "ckpt-e0000-b000001.safetensors").string(), bytes);
  apps::RunDirectory run(run_dir.string(), apps::RunDirectory::Mode::Overwrite);
  o.resume = run_dir.string();
  CallbackList callbacks = apps::make_run_callbacks(o, 0, *model, data, run, nlohmann::json::object());
  CheckpointDir checkpoints((run_dir / "checkpoints").string());
  model->fit(data,
             {.batch_size = o.batch_size, .epochs = o.epochs, .validation_split = o.validation_split,
              .validation_freq = o.validation_freq, .shuffle = o.shuffle, .seed = static_cast<uint64_t>(o.seed),
              .print = [](const std::string&) {}, .warn = [](const std::string&) {}, .checkpoints = &checkpoints},
             callbacks);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    io::create_directories(scratch().string());
    resume(std::string(reinterpret_cast<const char*>(data), size));
  } catch (const plateau::Error&) {
  }
  return 0;
}
