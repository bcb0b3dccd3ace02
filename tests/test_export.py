"""Export (`kerasgan.export`): every zoo entry's generator, exported with Keras's
exporters, run in onnxruntime / TensorFlow / TFLite, equals `generate_from_latents`
(translators: `translate`) to 1e-4; unsupported requests fail clearly."""

import keras
import numpy as np
import pytest
from conftest import tiny_dcgan

import kerasgan
from kerasgan import export
from kerasgan.data import captions
from kerasgan.testing import harness

BACKEND = keras.backend.backend()
# The formats each backend writes (kerasgan.export.SUPPORTED; JAX's ONNX with
# kerasgan[export-jax]).
TESTED = export.SUPPORTED[BACKEND]
# (entry, direction) of the image translators; SRGAN's input size differs from its
# training patches (any size, except in TFLite).
TRANSLATORS = [("cycle_gan_sneaker2boot", "a_to_b"), ("cycle_gan_sneaker2boot", "b_to_a"),
               ("pix2pix_edges2fashion", None), ("srgan_photos_sr4", None),
               ("srresnet_photos_sr4", None)]
EXPORTABLE = [n for n in kerasgan.zoo.names() if n not in dict(TRANSLATORS)]
# The default run: BatchNorm (DCGAN) in every format; labels (conditional GAN) and a
# translator (Pix2Pix) in the backend's quickest format (jax2onnx takes about a minute
# a model); everything with -m slow.
QUICKEST = {"tensorflow": "savedmodel", "jax": "savedmodel", "torch": "onnx"}[BACKEND]


def fast(name, format):
    return name == "dcgan_fashion_mnist" or (
        name in ("conditional_gan_fashion_mnist", "pix2pix_edges2fashion")
        and format == QUICKEST)


def cases(names, formats):
    """(name, ..., format) parameters, those not `fast` marked slow."""
    return [case if fast(case[0], case[-1]) else pytest.param(*case, marks=pytest.mark.slow)
            for case in ((*name, f) for name in names for f in formats)]


def inputs_for(model, n=3, seed=0):
    """A few latents (and labels or caption tokens) for `model`, as the exported
    function takes them."""
    arrays = [model.latents_for(n, seed=seed)]
    names = [name for name, _, _ in model.generation_inputs()]
    if "labels" in names:
        arrays.append((np.arange(n) % model.num_classes).astype("int32"))
    if "captions" in names:
        arrays.append(captions.tokenize(captions.random_captions(n, seed)).astype("int32"))
    return arrays


def expected_images(model, arrays):
    if len(arrays) == 1:
        return model.generate_from_latents(arrays[0])
    if model.generation_inputs()[1][0] == "captions":
        return model.generate_from_latents(arrays[0], captions=arrays[1])
    return model.generate_from_latents(arrays[0], labels=arrays[1])


def run_exported(path, format, arrays):
    """The exported file's output on `arrays`, run outside Keras."""
    if format == "onnx":
        import onnxruntime

        session = onnxruntime.InferenceSession(path, providers=["CPUExecutionProvider"])
        names = [i.name for i in session.get_inputs()]
        return session.run(None, dict(zip(names, arrays)))[0]
    import tensorflow as tf

    if format == "savedmodel":
        loaded = tf.saved_model.load(path)  # kept alive: serve() reads its variables
        return loaded.serve(arrays).numpy()
    interpreter = tf.lite.Interpreter(model_path=path)  # batch size 1: one at a time
    interpreter.allocate_tensors()
    images = []
    for row in zip(*arrays):
        for detail in interpreter.get_input_details():  # in no fixed order: by name
            value = row[1] if ("labels" in detail["name"] or "captions" in detail["name"]) else row[0]
            interpreter.set_tensor(detail["index"], np.asarray(value)[None])
        interpreter.invoke()
        images.append(interpreter.get_tensor(interpreter.get_output_details()[0]["index"]))
    return np.concatenate(images)


def exported_and_expected(model, tmp_path, format, ema=True, **options):
    suffix = {"onnx": ".onnx", "savedmodel": "", "tflite": ".tflite"}[format]
    path = export.export_generator(model, str(tmp_path / f"generator{suffix}"), format,
                                   ema=ema, **options)
    arrays = inputs_for(model)
    return run_exported(path, format, arrays), arrays


@pytest.mark.parametrize("name,format", cases([(n,) for n in EXPORTABLE], TESTED))
def test_exported_zoo_generator_equals_generate_from_latents(name, format, tmp_path):
    model = kerasgan.zoo.load(name)
    if format in getattr(model, "export_limits", {}):  # StyleGAN → TFLite
        with pytest.raises(NotImplementedError, match="does not export to"):
            exported_and_expected(model, tmp_path, format)
        return
    out, arrays = exported_and_expected(model, tmp_path, format)
    expected = expected_images(model, arrays)
    assert out.shape == expected.shape
    np.testing.assert_allclose(out, expected, atol=1e-4, rtol=0)


def translator_inputs(model, direction, format, n=3):
    """Images in [-1, 1] for a translator; SRGAN's larger than its training patches
    (except where the format fixes them: `export.fixes_image_size`)."""
    shape = model.shapes[1 if direction == "b_to_a" else 0]
    if None in export.exported_inputs(model, direction)[0][1] and not export.fixes_image_size(format):
        shape = (shape[0] + 4, shape[1] + 8, shape[2])
    return np.random.default_rng(0).uniform(-1, 1, (n, *shape)).astype("float32")


@pytest.mark.parametrize("name,direction,format", cases(TRANSLATORS, TESTED))
def test_exported_zoo_translator_equals_translate(name, direction, format, tmp_path):
    model = kerasgan.zoo.load(name)
    suffix = {"onnx": ".onnx", "savedmodel": "", "tflite": ".tflite"}[format]
    path = export.export_generator(model, str(tmp_path / f"translator{suffix}"), format,
                                   direction=direction)
    images = translator_inputs(model, direction, format)
    out = run_exported(path, format, [images])
    expected = (model.translate(images, direction=direction) if direction
                else model.translate(images))
    assert out.shape == expected.shape
    np.testing.assert_allclose(out, expected, atol=1e-4, rtol=0)


def test_ema_selects_the_exported_generator(tmp_path):
    model = tiny_dcgan(ema_decay=0.5)
    rng = np.random.default_rng(0)
    for variable in model.ema_generator.trainable_variables:
        variable.assign(rng.normal(0, 0.2, variable.shape).astype("float32"))
    for ema in (True, False):
        out, (latents,) = exported_and_expected(model, tmp_path / str(ema), TESTED[0], ema)
        network = model.ema_generator if ema else model.generator
        expected = keras.ops.convert_to_numpy(network(latents, training=False))
        np.testing.assert_allclose(out, expected, atol=1e-4, rtol=0)


@pytest.mark.slow  # StyleGAN's export takes about a minute on JAX (jax2tf)
def test_style_gan_exports_with_its_truncation(tmp_path):
    model = harness.tiny_model("style_gan", compiled=False)
    model.generator.w_avg.assign(np.full(model.generator.w_avg.shape, 0.3, "float32"))
    out, (latents,) = exported_and_expected(model, tmp_path, TESTED[0], truncation_psi=0.5)
    expected = model.generate_from_latents(latents, truncation_psi=0.5)
    np.testing.assert_allclose(out, expected, atol=1e-4, rtol=0)
    assert not np.allclose(out, model.generate_from_latents(latents), atol=1e-3)


UNSUPPORTED = [(b, f) for b in export.SUPPORTED for f in export.FORMATS
               if f not in export.SUPPORTED[b]]


@pytest.mark.parametrize("backend,format", UNSUPPORTED)
def test_an_unsupported_format_of_a_backend_is_refused_clearly(backend, format, tmp_path):
    model = tiny_dcgan()
    with pytest.raises(NotImplementedError, match="KERAS_BACKEND=tensorflow"):
        export.check_exportable(model, format, backend)
    if backend == BACKEND:  # and export_generator refuses before writing anything
        with pytest.raises(NotImplementedError, match=f"on the {backend} backend"):
            export.export_generator(model, str(tmp_path / "g"), format)
        assert not (tmp_path / "g").exists()


def test_an_unknown_format_is_refused(tmp_path):
    with pytest.raises(ValueError, match="format must be one of"):
        export.export_generator(tiny_dcgan(), str(tmp_path / "g"), "pt2")


def test_the_cli_exports_a_zoo_entry_and_refuses_what_it_cannot(tmp_path, capsys):
    from kerasgan import cli

    format = TESTED[0]
    out = str(tmp_path / ("g.onnx" if format == "onnx" else "g"))
    assert cli.main(["export", "dcgan_fashion_mnist", "--format", format, "--out", out]) == 0
    assert "inputs latents" in capsys.readouterr().out
    model = kerasgan.zoo.load("dcgan_fashion_mnist")
    latents = model.latents_for(2, seed=1)
    np.testing.assert_allclose(run_exported(out, format, [latents]),
                               model.generate_from_latents(latents), atol=1e-4, rtol=0)
    for other in (f for f in export.FORMATS if f not in TESTED):  # none on TensorFlow
        code = cli.main(["export", "dcgan_fashion_mnist", "--format", other,
                         "--out", str(tmp_path / "other")])
        assert code == cli.UNAVAILABLE and "cannot export" in capsys.readouterr().err
    code = cli.main(["export", "dcgan_fashion_mnist", "--direction", "b_to_a",
                     "--out", str(tmp_path / "d.onnx")])
    assert code == cli.USAGE and "--direction is for CycleGAN" in capsys.readouterr().err
