#include "plateau/callbacks/callback_list.h"

#include "plateau/callbacks/early_stopping.h"
#include "plateau/callbacks/reduce_lr_on_plateau.h"
#include "plateau/core/error.h"

namespace plateau {

CallbackList::CallbackList(std::vector<std::unique_ptr<Callback>> callbacks) : user_(std::move(callbacks)) {}

void CallbackList::add(std::unique_ptr<Callback> callback) { user_.push_back(std::move(callback)); }
void CallbackList::add_tail(std::unique_ptr<Callback> callback) { tail_.push_back(std::move(callback)); }

std::vector<Callback*> CallbackList::all() const {
  std::vector<Callback*> out;
  for (const auto& c : user_) out.push_back(c.get());
  out.push_back(history_.get());
  for (const auto& c : tail_) out.push_back(c.get());
  return out;
}

void CallbackList::on_train_begin(TrainingState& s) {
  for (Callback* c : all()) c->on_train_begin(s);
  // A ReduceLROnPlateau that cannot fire before EarlyStopping stops is almost always a mistake.
  auto* plateau = find<callbacks::ReduceLROnPlateau>();
  auto* stopper = find<callbacks::EarlyStopping>();
  if (plateau && stopper && plateau->options().monitor == stopper->options().monitor &&
      std::max<int64_t>(stopper->options().patience, 1) <= std::max<int64_t>(plateau->options().patience, 1))
    s.print(cat("Warning: EarlyStopping (patience ", stopper->options().patience,
                ") will stop before ReduceLROnPlateau (patience ", plateau->options().patience, ") can lower the ",
                "learning rate on '", plateau->options().monitor, "'; give EarlyStopping a larger patience"));
}

void CallbackList::on_train_end(TrainingState& s) {
  for (Callback* c : all()) c->on_train_end(s);
}
void CallbackList::on_epoch_begin(TrainingState& s) {
  for (Callback* c : all()) c->on_epoch_begin(s);
}
void CallbackList::on_epoch_end(TrainingState& s) {
  for (Callback* c : all()) c->on_epoch_end(s);
}
void CallbackList::on_batch_begin(TrainingState& s) {
  for (Callback* c : all()) c->on_batch_begin(s);
}
void CallbackList::on_batch_end(TrainingState& s) {
  for (Callback* c : all()) c->on_batch_end(s);
}

}  // namespace plateau
