#pragma once
// CallbackList: the user's callbacks in order, then History (and, when added, the progress bar and
// the LR log), as Keras appends History and ProgbarLogger after the user's callbacks
// (keras/src/callbacks/callback_list.py). Every hook goes to each callback in that order with the
// same state, so keys one callback writes to the logs are seen by the later ones.

#include <memory>
#include <vector>

#include "plateau/callbacks/callback.h"
#include "plateau/callbacks/history.h"

namespace plateau {

// Keras: keras.callbacks.CallbackList (what fit() builds from callbacks=[…]).
// Usage:
//   CallbackList list;
//   list.add(std::make_unique<callbacks::EarlyStopping>(callbacks::EarlyStoppingOptions{.patience = 3}));
//   model.fit(train, {.epochs = 10, .validation_split = 0.1}, list);
class CallbackList {
 public:
  CallbackList() = default;
  explicit CallbackList(std::vector<std::unique_ptr<Callback>> callbacks);

  void add(std::unique_ptr<Callback> callback);   // a user callback (before History)
  void add_tail(std::unique_ptr<Callback> callback);  // after History: progress bar, LR log

  void on_train_begin(TrainingState& s);
  void on_train_end(TrainingState& s);
  void on_epoch_begin(TrainingState& s);
  void on_epoch_end(TrainingState& s);
  void on_batch_begin(TrainingState& s);
  void on_batch_end(TrainingState& s);

  callbacks::History& history() { return *history_; }
  // Every callback, in hook order (for checkpoints).
  std::vector<Callback*> all() const;
  template <typename T>
  T* find() const {  // the first callback of type T, or nullptr
    for (Callback* c : all())
      if (auto* t = dynamic_cast<T*>(c)) return t;
    return nullptr;
  }

 private:
  std::vector<std::unique_ptr<Callback>> user_, tail_;
  std::unique_ptr<callbacks::History> history_ = std::make_unique<callbacks::History>();
};

}  // namespace plateau
