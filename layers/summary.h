#pragma once
// summary(): the model table as Keras 3 prints it (Model.summary()): layer name and type, output
// shape in Keras' channels-last order with None for the batch, parameter count, then the total,
// trainable and non-trainable counts with their float32 sizes. BatchNormalization's moving
// statistics count as non-trainable, as in Keras.

#include <string>

#include "plateau/layers/sequential.h"

namespace plateau {

std::string summary(const Sequential& model, const std::string& model_name = "sequential");

}  // namespace plateau
