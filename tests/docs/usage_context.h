#pragma once
// What the "Usage:" examples of the public headers run on (tests/docs/header_usage.py): each example
// is the body of a function given these names, fresh for every example —
//   net        a small built CNN (Conv2D, BatchNormalization, MaxPooling2D, Flatten, Dropout, Dense)
//   model      the Model that owns net, compiled with Adam and sparse categorical cross-entropy
//   optimizer  model's optimizer
//   train      the first 64 training images of Fashion-MNIST
//   callbacks  an empty CallbackList
//   s          a TrainingState pointing at net and optimizer, as a callback hook receives it
// The examples run in a new scratch directory, so the files they write go nowhere else.
#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <plateau/plateau.h>

using namespace plateau;

#define USAGE_CONTEXT_PARAMETERS                                                                            \
  [[maybe_unused]] Sequential &net, [[maybe_unused]] Model &model, [[maybe_unused]] Optimizer &optimizer, \
      [[maybe_unused]] const ImageDataset &train, [[maybe_unused]] CallbackList &callbacks,               \
      [[maybe_unused]] TrainingState &s

struct UsageExample {
  std::string where;  // "core/shape.h:14"
  std::function<void(Sequential&, Model&, Optimizer&, const ImageDataset&, CallbackList&, TrainingState&)> run;
};

inline int run_usage_examples(const std::vector<UsageExample>& examples, size_t headers) {
  char scratch[] = "/tmp/plateau-usage-XXXXXX";
  if (mkdtemp(scratch) == nullptr || chdir(scratch) != 0) {
    std::fprintf(stderr, "header_usage: cannot make a scratch directory\n");
    return 1;
  }
  const ImageDataset train = load_data({.split = "train", .limit = 64});
  int failed = 0;
  for (const UsageExample& example : examples) {
    try {
      auto net = std::make_unique<Sequential>();
      net->add(Conv2D({.filters = 4, .activation = "relu"}));
      net->add(BatchNormalization());
      net->add(MaxPooling2D());
      net->add(Flatten());
      net->add(Dropout({.rate = 0.2}));
      net->add(Dense({.units = 10, .activation = "softmax"}));
      net->build({1, 28, 28}, /*seed=*/1);
      Model model(std::move(net));
      model.compile(std::make_unique<Adam>(model.net().parameters(), AdamOptions{}),
                    Loss("sparse_categorical_crossentropy"));
      CallbackList callbacks;
      TrainingState s;
      s.model = &model.net();
      s.optimizer = &model.optimizer();
      example.run(model.net(), model, model.optimizer(), train, callbacks, s);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "%s: the usage example failed: %s\n", example.where.c_str(), e.what());
      ++failed;
    }
  }
  std::filesystem::remove_all(scratch);
  std::printf("%zu usage examples from %zu headers ran, %d failed\n", examples.size(), headers, failed);
  return failed == 0 ? 0 : 1;
}
